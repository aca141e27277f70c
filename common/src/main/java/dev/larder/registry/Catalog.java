package dev.larder.registry;

import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.core.v1.ViewState;
import dev.larder.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An indexed, read-only view of one registry version: name lookups, a view's join keys, and resolution of
 * feature references ({@code view:feature}, {@code view}, or a feature service). Batch commands and the
 * server resolve references through this one class so that they agree on what a reference means.
 */
public final class Catalog {
  private final Registry registry;
  private final Map<String, Entity> entities = new LinkedHashMap<>();
  private final Map<String, Source> sources = new LinkedHashMap<>();
  private final Map<String, FeatureView> views = new LinkedHashMap<>();
  private final Map<String, FeatureService> services = new LinkedHashMap<>();

  private Catalog(Registry registry) {
    this.registry = registry;
    registry.getEntitiesList().forEach(e -> entities.put(e.getName(), e));
    registry.getSourcesList().forEach(s -> sources.put(s.getName(), s));
    registry.getFeatureViewsList().forEach(v -> views.put(v.getName(), v));
    registry.getFeatureServicesList().forEach(s -> services.put(s.getName(), s));
  }

  public static Catalog of(Registry registry) {
    return new Catalog(registry);
  }

  public Registry registry() {
    return registry;
  }

  public long version() {
    return registry.getVersion();
  }

  public Optional<Entity> entity(String name) {
    return Optional.ofNullable(entities.get(name));
  }

  public Optional<Source> source(String name) {
    return Optional.ofNullable(sources.get(name));
  }

  public Optional<FeatureView> view(String name) {
    return Optional.ofNullable(views.get(name));
  }

  public Optional<FeatureService> service(String name) {
    return Optional.ofNullable(services.get(name));
  }

  public List<FeatureView> views() {
    return List.copyOf(views.values());
  }

  /** The view, or an exception naming the unknown view. */
  public FeatureView requireView(String name) {
    FeatureView v = views.get(name);
    if (v == null) {
      throw new UnknownReferenceException("unknown feature view '" + name + "'"
          + Suggestion.didYouMean(name, views.keySet()));
    }
    return v;
  }

  /** Join keys of a view: the join keys of its entities, in entity order. */
  public List<Field> joinKeys(FeatureView view) {
    List<Field> keys = new ArrayList<>();
    for (String e : view.getEntitiesList()) {
      Entity entity = entities.get(e);
      if (entity == null) {
        throw new UnknownReferenceException("feature view '" + view.getName() + "' names unknown entity '" + e + "'");
      }
      keys.addAll(entity.getJoinKeysList());
    }
    return keys;
  }

  /** Definition version of a view (bumped on breaking changes); 1 when no state was recorded. */
  public long viewVersion(String view) {
    ViewState s = registry.getViewStatesMap().get(view);
    return s == null || s.getVersion() == 0 ? 1 : s.getVersion();
  }

  public Optional<ViewState> viewState(String view) {
    return Optional.ofNullable(registry.getViewStatesMap().get(view));
  }

  /** The view's TTL, or null for none. */
  public static Duration ttl(FeatureView view) {
    return Durations.parse(view.getTtl());
  }

  public static boolean isOnline(FeatureView view) {
    return !view.hasOnline() || view.getOnline();
  }

  public static boolean isAggregation(FeatureView view) {
    return view.getFeaturesList().stream().anyMatch(Feature::hasAggregation);
  }

  /** One resolved feature: its view, its name and type, and its position among the view's features. */
  public record FeatureRef(FeatureView view, Feature feature, int index) {
    public String viewName() {
      return view.getName();
    }

    public String name() {
      return feature.getName();
    }

    public ValueType type() {
      return feature.getType();
    }

    public String qualifiedName() {
      return view.getName() + ":" + feature.getName();
    }
  }

  /**
   * Resolves {@code view:feature} and {@code view} references, in order, without duplicates. A bare name that
   * is not a view but the name of exactly one view's feature is that feature ({@code total_spend} is
   * {@code user_activity:total_spend}), as {@code larder describe} accepts it.
   *
   * @throws UnknownReferenceException naming the first unknown view or feature, with the closest known name
   *     when one is near, or the views of an ambiguous bare feature name
   */
  public List<FeatureRef> resolve(List<String> refs) {
    List<FeatureRef> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String raw : refs) {
      String ref = raw.trim();
      int colon = ref.indexOf(':');
      if (colon < 0 && !views.containsKey(ref)) {
        FeatureRef bare = bareFeature(ref);
        if (seen.add(bare.qualifiedName())) {
          out.add(bare);
        }
        continue;
      }
      String viewName = colon < 0 ? ref : ref.substring(0, colon);
      FeatureView view = requireView(viewName);
      if (colon < 0) {
        for (int i = 0; i < view.getFeaturesCount(); i++) {
          if (seen.add(viewName + ":" + view.getFeatures(i).getName())) {
            out.add(new FeatureRef(view, view.getFeatures(i), i));
          }
        }
        continue;
      }
      String featureName = ref.substring(colon + 1);
      int idx = -1;
      for (int i = 0; i < view.getFeaturesCount(); i++) {
        if (view.getFeatures(i).getName().equals(featureName)) {
          idx = i;
          break;
        }
      }
      if (idx < 0) {
        List<String> names = view.getFeaturesList().stream().map(Feature::getName).toList();
        String hint = Suggestion.didYouMean(featureName, names);
        throw new UnknownReferenceException("feature view '" + viewName + "' has no feature '" + featureName + "'"
            + (hint.isEmpty() ? "; it has: " + String.join(", ", names) : hint));
      }
      if (seen.add(ref)) {
        out.add(new FeatureRef(view, view.getFeatures(idx), idx));
      }
    }
    return out;
  }

  /** The one feature called {@code name} across all views, for a bare reference that names no view. */
  private FeatureRef bareFeature(String name) {
    List<FeatureRef> matches = new ArrayList<>();
    List<String> all = new ArrayList<>(views.keySet());
    for (FeatureView v : views.values()) {
      for (int i = 0; i < v.getFeaturesCount(); i++) {
        all.add(v.getFeatures(i).getName());
        if (v.getFeatures(i).getName().equals(name)) {
          matches.add(new FeatureRef(v, v.getFeatures(i), i));
        }
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.size() > 1) {
      throw new UnknownReferenceException("'" + name + "' is a feature of several views ("
          + String.join(", ", matches.stream().map(FeatureRef::qualifiedName).toList())
          + "); name one as view:feature");
    }
    throw new UnknownReferenceException("unknown feature view '" + name + "'" + Suggestion.didYouMean(name, all)
        + " (a reference is view:feature, view for all its features, or a feature name found in one view)");
  }

  /** Resolves the references of a feature service. */
  public List<FeatureRef> resolveService(String name) {
    FeatureService s = services.get(name);
    if (s == null) {
      throw new UnknownReferenceException("unknown feature service '" + name + "'");
    }
    return resolve(s.getFeaturesList());
  }

  /** Thrown when a reference names a view, feature, entity or service the registry does not have. */
  public static final class UnknownReferenceException extends RuntimeException {
    public UnknownReferenceException(String message) {
      super(message);
    }
  }
}
