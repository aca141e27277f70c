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
  /** For a {@link #pinned} catalog: the versions of the pinned view as the original registry knows them. */
  private final Map<String, ViewVersions> knownVersions;

  private Catalog(Registry registry) {
    this(registry, Map.of());
  }

  private Catalog(Registry registry, Map<String, ViewVersions> knownVersions) {
    this.registry = registry;
    this.knownVersions = knownVersions;
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

  /** Whether the view's source is a push source: its rows are pushed by clients, never computed from files. */
  public boolean isPush(FeatureView view) {
    return source(view.getSource()).map(Source::hasPush).orElse(false);
  }

  public static boolean isAggregation(FeatureView view) {
    return view.getFeaturesList().stream().anyMatch(Feature::hasAggregation);
  }

  /**
   * One resolved feature: its view (the definition of the version the reference resolves to), its name and
   * type, its position among that definition's features, the view version, and whether the reference pinned
   * that version ({@code view@N:feature}) rather than taking the current one.
   */
  public record FeatureRef(FeatureView view, Feature feature, int index, long version, boolean pinned) {
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

  /** The versions of a view, oldest first (see {@link ViewVersions}). */
  public ViewVersions versions(String view) {
    ViewVersions known = knownVersions.get(view);
    return known != null ? known : ViewVersions.of(this, view);
  }

  /**
   * This catalog as version {@code version} of {@code view} saw it: the view's definition, its entities and
   * its source as they were, and {@link #viewVersion} answering {@code version}. Readers of one version's
   * data (training sets, the server) use it with the code that reads the current version.
   *
   * @throws UnknownReferenceException when the registry records no such version
   */
  public Catalog pinned(String view, long version) {
    if (version == viewVersion(view)) {
      return this;
    }
    ViewVersions all = versions(view);
    ViewVersions.Version v = all.get(version).orElseThrow(() -> new UnknownReferenceException(
        "feature view '" + view + "' has no version " + version + " in the registry (versions: " + all.numbers() + ")"));
    Registry.Builder b = registry.toBuilder();
    for (int i = 0; i < b.getFeatureViewsCount(); i++) {
      if (b.getFeatureViews(i).getName().equals(view)) {
        b.setFeatureViews(i, v.view());
      }
    }
    for (Entity e : v.entities()) {
      replaceOrAdd(b.getEntitiesBuilderList(), Entity.Builder::getName, e.getName(), () -> b.addEntitiesBuilder())
          .clear().mergeFrom(e);
    }
    if (v.source() != null) {
      replaceOrAdd(b.getSourcesBuilderList(), Source.Builder::getName, v.source().getName(), () -> b.addSourcesBuilder())
          .clear().mergeFrom(v.source());
    }
    b.putViewStates(view, ViewState.newBuilder().setVersion(version).setFingerprint(v.fingerprint())
        .setSinceRegistryVersion(v.sinceRegistryVersion()).addAllMaterialized(v.materialized()).build());
    return new Catalog(b.build(), Map.of(view, all));
  }

  private static <B> B replaceOrAdd(List<B> builders, java.util.function.Function<B, String> name, String wanted,
                                    java.util.function.Supplier<B> add) {
    for (B x : builders) {
      if (name.apply(x).equals(wanted)) {
        return x;
      }
    }
    return add.get();
  }

  /**
   * Resolves {@code view:feature} and {@code view} references, in order, without duplicates. A view may be
   * written {@code view@N} to pin its version N, which must be a version the registry still records. A bare
   * name that is not a view but the name of exactly one view's feature is that feature ({@code total_spend} is
   * {@code user_activity:total_spend}), as {@code larder describe} accepts it.
   *
   * @throws UnknownReferenceException naming the first unknown view, version or feature, with the closest known
   *     name when one is near, or the views of an ambiguous bare feature name
   */
  public List<FeatureRef> resolve(List<String> refs) {
    List<FeatureRef> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String raw : refs) {
      String ref = raw.trim();
      int colon = ref.indexOf(':');
      if (colon < 0 && ref.indexOf('@') < 0 && !views.containsKey(ref)) {
        FeatureRef bare = bareFeature(ref);
        if (seen.add(bare.viewName() + "@" + bare.version() + ":" + bare.name())) {
          out.add(bare);
        }
        continue;
      }
      String viewPart = colon < 0 ? ref : ref.substring(0, colon);
      int at = viewPart.indexOf('@');
      String viewName = at < 0 ? viewPart : viewPart.substring(0, at);
      FeatureView view = requireView(viewName);
      long version = viewVersion(viewName);
      boolean pinned = at >= 0;
      if (pinned) {
        version = pinnedVersion(viewName, viewPart.substring(at + 1));
        view = versions(viewName).get(version).map(ViewVersions.Version::view).orElseThrow(() ->
            new UnknownReferenceException("feature view '" + viewName + "' has no version " + viewPart.substring(at + 1)
                + " in the registry (versions: " + versions(viewName).numbers() + ")"));
      }
      String key = viewName + "@" + version + ":";
      if (colon < 0) {
        for (int i = 0; i < view.getFeaturesCount(); i++) {
          if (seen.add(key + view.getFeatures(i).getName())) {
            out.add(new FeatureRef(view, view.getFeatures(i), i, version, pinned));
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
        throw new UnknownReferenceException("feature view '" + viewPart + "' has no feature '" + featureName + "'"
            + (hint.isEmpty() ? "; it has: " + String.join(", ", names) : hint));
      }
      if (seen.add(key + featureName)) {
        out.add(new FeatureRef(view, view.getFeatures(idx), idx, version, pinned));
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
          matches.add(new FeatureRef(v, v.getFeatures(i), i, viewVersion(v.getName()), false));
        }
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.size() > 1) {
      throw new UnknownReferenceException("'" + name + "' is a feature of several views ("
          + String.join(", ", matches.stream().map(r -> r.viewName() + ":" + r.name()).toList())
          + "); name one as view:feature");
    }
    throw new UnknownReferenceException("unknown feature view '" + name + "'" + Suggestion.didYouMean(name, all)
        + " (a reference is view:feature, view for all its features, or a feature name found in one view)");
  }

  private static long pinnedVersion(String view, String text) {
    try {
      long v = Long.parseLong(text);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UnknownReferenceException("feature view '" + view + "': '@" + text
        + "' is not a version; expected a positive number, e.g. " + view + "@1");
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
