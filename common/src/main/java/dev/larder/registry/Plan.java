package dev.larder.registry;

import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.Entity;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.RegistryChange;
import dev.larder.core.v1.RegistryChange.Kind;
import dev.larder.core.v1.RegistryVersion;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ViewState;
import dev.larder.core.v1.ViewVersionRecord;
import dev.larder.time.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What applying a set of definitions would change in a registry: objects added, changed and removed, and the
 * feature views that get a new version because their {@link ViewFingerprint definition fingerprint} changed
 * (anything that changes a stored value). A new version's data must be computed and materialized again: the
 * plan lists those views. The previous version stays recorded in the registry, with its definitions, so that
 * its stored data stays readable and servable until cleaned up. {@code plan} prints it; {@code apply} prints
 * it and then {@link #apply writes} the result.
 */
public final class Plan {
  private final Registry current;
  private final Definitions desired;
  private final List<RegistryChange> changes;
  /** View name -> its version after the plan, for views that are new or have a new version. */
  private final Map<String, Long> newViewVersions;
  private final List<String> problems;

  private Plan(Registry current, Definitions desired, List<RegistryChange> changes, Map<String, Long> versions) {
    this.current = current;
    this.desired = desired;
    this.changes = List.copyOf(changes);
    this.newViewVersions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    this.problems = pinProblems(current, desired, versions);
  }

  /** The plan from {@code current} (the default instance when nothing was applied yet) to {@code desired}. */
  public static Plan between(Registry current, Definitions desired) {
    return between(current, desired, Map.of());
  }

  /**
   * The plan, where a new or bumped view version is also above {@code stored.get(view)}: the highest version
   * that has data in a store. A registry that was lost or replaced by an older copy must not hand out a
   * version whose (stale) data still exists, or that data would be served as current.
   */
  public static Plan between(Registry current, Definitions desired, Map<String, Long> stored) {
    Diff diff = new Diff();
    Map<String, Entity> oldEntities = byName(current.getEntitiesList(), Entity::getName);
    Map<String, Entity> newEntities = byName(desired.getEntitiesList(), Entity::getName);
    diff.compare("entity", oldEntities, newEntities);
    diff.compare("source", byName(current.getSourcesList(), Source::getName),
        byName(desired.getSourcesList(), Source::getName));
    Map<String, Long> versions = new LinkedHashMap<>();
    Map<String, FeatureView> oldViews = byName(current.getFeatureViewsList(), FeatureView::getName);
    Map<String, Source> oldSources = byName(current.getSourcesList(), Source::getName);
    Map<String, Source> newSources = byName(desired.getSourcesList(), Source::getName);
    Catalog catalog = Catalog.of(current);
    for (FeatureView view : desired.getFeatureViewsList()) {
      FeatureView old = oldViews.get(view.getName());
      if (old == null) {
        long version = Math.max(everApplied(current, view.getName()) ? current.getVersion() + 1 : 1,
            stored.getOrDefault(view.getName(), 0L) + 1);
        diff.add(Kind.ADDED, "feature_view", view.getName(), "version " + version);
        versions.put(view.getName(), version);
      } else {
        Source oldSource = oldSources.get(old.getSource());
        Source newSource = newSources.get(view.getSource());
        String before = ViewFingerprint.of(old, oldEntities, oldSource);
        boolean newMeaning = !before.equals(ViewFingerprint.of(view, newEntities, newSource));
        ViewDiff vd = ViewDiff.of(old, view, oldEntities, newEntities, oldSource, newSource);
        // The stored fingerprint is the definition the version's data was computed for. A registry written by
        // a release without fingerprints may have changed the definition since: that data needs a new version.
        String fingerprint = catalog.viewState(view.getName()).map(ViewState::getFingerprint).orElse("");
        if (!fingerprint.isEmpty() && !fingerprint.equals(before)) {
          newMeaning = true;
          vd.breaking().add(0, "the applied definition no longer matches the fingerprint of version "
              + catalog.viewVersion(view.getName()) + " (changed by an older Larder release)");
        }
        planChangedView(diff, view.getName(), vd, newMeaning, catalog.viewVersion(view.getName()),
            stored.getOrDefault(view.getName(), 0L), versions);
      }
    }
    Map<String, FeatureView> newViews = byName(desired.getFeatureViewsList(), FeatureView::getName);
    oldViews.keySet().stream().filter(n -> !newViews.containsKey(n))
        .forEach(n -> diff.add(Kind.REMOVED, "feature_view", n, ""));
    diff.compare("feature_service", byName(current.getFeatureServicesList(), FeatureService::getName),
        byName(desired.getFeatureServicesList(), FeatureService::getName));
    return new Plan(current, desired, diff.changes(), versions);
  }

  /**
   * A CHANGED entry, or, when the fingerprint changed, a BREAKING one with the new version recorded in
   * {@code versions}. The fingerprint decides; the diff only words the change. A view whose stored data has a
   * newer version than the registry (a registry restored from an older copy) gets a new version too: its
   * version's online data may be stale, and the newer data belongs to definitions this registry does not have.
   */
  private static void planChangedView(Diff diff, String view, ViewDiff vd, boolean newMeaning, long oldVersion,
                                      long storedVersion, Map<String, Long> versions) {
    List<String> all = new ArrayList<>(vd.breaking());
    if (storedVersion > oldVersion) {
      newMeaning = true;
      all.add("the online store holds version " + storedVersion + ", newer than this registry's (was the"
          + " registry restored from an older copy?)");
    }
    all.addAll(vd.other());
    if (!newMeaning) {
      if (!all.isEmpty()) {
        diff.add(Kind.CHANGED, "feature_view", view, String.join("; ", all));
      }
      return;
    }
    if (all.isEmpty() || vd.breaking().isEmpty() && storedVersion <= oldVersion) {
      all.add(0, "definition fingerprint changed");
    }
    long next = Math.max(oldVersion, storedVersion) + 1;
    diff.add(Kind.BREAKING, "feature_view", view,
        "version " + oldVersion + " -> " + next + ": " + String.join("; ", all));
    versions.put(view, next);
  }

  /**
   * Whether a view of this name was applied before (and removed since). A view re-added under an old name must
   * not reuse its old versions, whose online rows may still exist: it takes the new registry version, which is
   * larger than any version the view had, because a view's version is at most the registry version that set it.
   */
  private static boolean everApplied(Registry current, String view) {
    return current.getVersionsList().stream().flatMap(h -> h.getChangesList().stream())
        .anyMatch(c -> c.getObjectType().equals("feature_view") && c.getName().equals(view));
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** Whether a view gets a new version (an existing view's meaning changed); {@code plan --detailed-exitcode}. */
  public boolean hasNewVersions() {
    return changes.stream().anyMatch(c -> c.getKind() == Kind.BREAKING);
  }

  /**
   * Views whose data must be computed (aggregation views) and materialized (online views) again after the
   * plan, because they are new or get a new version: view name -> the version to compute.
   */
  public Map<String, Long> viewsToRecompute() {
    return newViewVersions;
  }

  /**
   * Why the plan cannot be applied although every definition is valid on its own: a feature service pins a
   * view version the registry will not record. Empty when the plan can be applied.
   */
  public List<String> problems() {
    return problems;
  }

  public List<RegistryChange> changes() {
    return changes;
  }

  /** The registry version the plan starts from (0 when nothing was applied yet). */
  public long fromVersion() {
    return current.getVersion();
  }

  /**
   * The registry after the plan: the desired definitions, version + 1, a history entry with the changes, and
   * view states where new and broken views start a new version with nothing materialized while unchanged
   * view versions keep their materialized intervals.
   */
  public Registry apply(String project, Instant now) {
    long version = current.getVersion() + 1;
    com.google.protobuf.Timestamp at = Timestamps.toProto(Timestamps.toMicros(now));
    Registry.Builder b = Registry.newBuilder()
        .setProject(project)
        .setVersion(version)
        .setUpdatedAt(at)
        .addAllEntities(desired.getEntitiesList())
        .addAllSources(desired.getSourcesList())
        .addAllFeatureViews(desired.getFeatureViewsList())
        .addAllFeatureServices(desired.getFeatureServicesList())
        .addAllVersions(current.getVersionsList())
        .addVersions(RegistryVersion.newBuilder().setVersion(version).setAppliedAt(at).addAllChanges(changes));
    Catalog before = Catalog.of(current);
    Catalog after = Catalog.of(b.clone().build());
    for (FeatureView view : desired.getFeatureViewsList()) {
      Long bumped = newViewVersions.get(view.getName());
      ViewState old = current.getViewStatesMap().get(view.getName());
      String fingerprint = ViewFingerprint.of(after, view);
      if (bumped != null) {
        ViewState.Builder state = ViewState.newBuilder().setVersion(bumped).setSinceRegistryVersion(version)
            .setFingerprint(fingerprint);
        if (before.view(view.getName()).isPresent()) {
          // A registry without a state for the view (hand-written, or very old) had it at version 1.
          ViewState replaced = old != null ? old : ViewState.newBuilder().setVersion(1).build();
          state.addAllPreviousVersions(replaced.getPreviousVersionsList())
              .addPreviousVersions(record(before, before.requireView(view.getName()), replaced, version));
        }
        b.putViewStates(view.getName(), state.build());
      } else if (old != null) {
        b.putViewStates(view.getName(), old.toBuilder().setFingerprint(fingerprint).build());
      } else {
        b.putViewStates(view.getName(), ViewState.newBuilder().setVersion(1).setSinceRegistryVersion(version)
            .setFingerprint(fingerprint).build());
      }
    }
    return b.build();
  }

  /** The record of a view's version that {@code until} replaces, with the definitions it was computed from. */
  private static ViewVersionRecord record(Catalog before, FeatureView view, ViewState state, long until) {
    ViewVersionRecord.Builder r = ViewVersionRecord.newBuilder()
        .setVersion(state.getVersion() == 0 ? 1 : state.getVersion())
        .setFingerprint(state.getFingerprint().isEmpty() ? ViewFingerprint.of(before, view) : state.getFingerprint())
        .setSinceRegistryVersion(state.getSinceRegistryVersion())
        .setUntilRegistryVersion(until)
        .setView(view)
        .addAllMaterialized(state.getMaterializedList());
    for (String e : view.getEntitiesList()) {
      before.entity(e).ifPresent(r::addEntities);
    }
    before.source(view.getSource()).ifPresent(r::setSource);
    return r.build();
  }

  /** Feature services' pinned references ({@code view@N}) to versions the registry will not record. */
  private static List<String> pinProblems(Registry current, Definitions desired, Map<String, Long> bumped) {
    Catalog before = Catalog.of(current);
    List<String> out = new ArrayList<>();
    for (FeatureService s : desired.getFeatureServicesList()) {
      for (String raw : s.getFeaturesList()) {
        String ref = raw.trim();
        int colon = ref.indexOf(':');
        String viewPart = colon < 0 ? ref : ref.substring(0, colon);
        int at = viewPart.indexOf('@');
        if (at < 0) {
          continue;
        }
        String view = viewPart.substring(0, at);
        long pinned = Long.parseLong(viewPart.substring(at + 1));
        long currentAfter = bumped.containsKey(view) ? bumped.get(view) : before.viewVersion(view);
        FeatureView definition = null;
        if (pinned == currentAfter) {
          definition = desired.getFeatureViewsList().stream().filter(v -> v.getName().equals(view)).findFirst().orElse(null);
        } else if (before.view(view).isPresent()) {
          definition = before.versions(view).get(pinned).map(ViewVersions.Version::view).orElse(null);
        }
        if (definition == null) {
          out.add("feature service '" + s.getName() + "' pins version " + pinned + " of feature view '" + view
              + "', which the registry does not record (after this apply its version is " + currentAfter + ")");
        } else if (colon >= 0 && definition.getFeaturesList().stream()
            .noneMatch(f -> f.getName().equals(ref.substring(colon + 1)))) {
          out.add("feature service '" + s.getName() + "': version " + pinned + " of feature view '" + view
              + "' has no feature '" + ref.substring(colon + 1) + "'");
        }
      }
    }
    return List.copyOf(out);
  }

  /** The plan as lines for a terminal: a summary, then one line per change. */
  public List<String> render() {
    if (isEmpty()) {
      return List.of("No changes; registry stays at version " + current.getVersion());
    }
    long added = count(Kind.ADDED);
    long removed = count(Kind.REMOVED);
    long changed = changes.size() - added - removed;
    List<String> lines = new ArrayList<>();
    lines.add("Plan: " + added + " to add, " + changed + " to change, " + removed + " to remove"
        + " (registry version " + current.getVersion() + " -> " + (current.getVersion() + 1) + ")");
    changes.forEach(c -> lines.add("  " + describe(c)));
    if (!newViewVersions.isEmpty()) {
      java.util.Set<String> pushSources = new java.util.HashSet<>();
      desired.getSourcesList().stream().filter(Source::hasPush).forEach(src -> pushSources.add(src.getName()));
      java.util.Set<String> pushViews = new java.util.HashSet<>();
      desired.getFeatureViewsList().stream().filter(fv -> pushSources.contains(fv.getSource()))
          .forEach(fv -> pushViews.add(fv.getName()));
      List<String> views = new ArrayList<>();
      List<String> pushed = new ArrayList<>();
      newViewVersions.forEach((view, v) -> (pushViews.contains(view) ? pushed : views).add(view + " v" + v));
      if (!views.isEmpty()) {
        lines.add("Needs recomputing (larder compute for aggregation views, then larder materialize for online views): "
            + String.join(", ", views));
      }
      if (!pushed.isEmpty()) {
        lines.add("Push views start empty (push rows with PushFeatures or larder push; see docs/push.md): "
            + String.join(", ", pushed));
      }
      if (hasNewVersions()) {
        lines.add("Previous versions stay readable and served until their new version has data.");
      }
    }
    problems.forEach(p -> lines.add("  error: " + p));
    return lines;
  }

  /** One change as a line, e.g. {@code ~ feature_view user_activity: ttl "2d" -> "3d"}. */
  public static String describe(RegistryChange c) {
    String mark = switch (c.getKind()) {
      case ADDED -> "+";
      case REMOVED -> "-";
      case CHANGED -> "~";
      case BREAKING -> "! BREAKING";
      case MATERIALIZED -> "*";
      default -> "?";
    };
    return mark + " " + c.getObjectType() + " " + c.getName() + (c.getDetail().isEmpty() ? "" : ": " + c.getDetail());
  }

  private long count(Kind kind) {
    return changes.stream().filter(c -> c.getKind() == kind).count();
  }

  private static <T> Map<String, T> byName(List<T> objects, Function<T, String> name) {
    Map<String, T> m = new LinkedHashMap<>();
    objects.forEach(o -> m.put(name.apply(o), o));
    return m;
  }
}
