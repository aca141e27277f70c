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
import dev.larder.time.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What applying a set of definitions would change in a registry: objects added, changed and removed, and the
 * feature views whose version is bumped because a change breaks their stored data (a feature's type, a
 * removed feature, the entities or their join keys). {@code plan} prints it; {@code apply} prints it and
 * then {@link #apply writes} the result.
 */
public final class Plan {
  private final Registry current;
  private final Definitions desired;
  private final List<RegistryChange> changes;
  /** View name -> its version after the plan, for views that are new or broken. */
  private final Map<String, Long> newViewVersions;

  private Plan(Registry current, Definitions desired, List<RegistryChange> changes, Map<String, Long> versions) {
    this.current = current;
    this.desired = desired;
    this.changes = List.copyOf(changes);
    this.newViewVersions = Map.copyOf(versions);
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
    Catalog catalog = Catalog.of(current);
    for (FeatureView view : desired.getFeatureViewsList()) {
      FeatureView old = oldViews.get(view.getName());
      if (old == null) {
        long version = Math.max(everApplied(current, view.getName()) ? current.getVersion() + 1 : 1,
            stored.getOrDefault(view.getName(), 0L) + 1);
        diff.add(Kind.ADDED, "feature_view", view.getName(), "version " + version);
        versions.put(view.getName(), version);
      } else {
        planChangedView(diff, view.getName(), ViewDiff.of(old, view, oldEntities, newEntities),
            catalog.viewVersion(view.getName()), stored.getOrDefault(view.getName(), 0L), versions);
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
   * A CHANGED entry, or a BREAKING one with the version bump recorded in {@code versions}. A view whose stored
   * data has a newer version than the registry (a registry restored from an older copy) is bumped too: its
   * version's online data may be stale, and the newer data belongs to definitions this registry does not have.
   */
  private static void planChangedView(Diff diff, String view, ViewDiff vd, long oldVersion, long storedVersion,
                                      Map<String, Long> versions) {
    List<String> breaking = new ArrayList<>(vd.breaking());
    if (storedVersion > oldVersion) {
      breaking.add("the online store holds version " + storedVersion + ", newer than this registry's (was the"
          + " registry restored from an older copy?)");
    }
    if (breaking.isEmpty()) {
      if (!vd.other().isEmpty()) {
        diff.add(Kind.CHANGED, "feature_view", view, String.join("; ", vd.other()));
      }
      return;
    }
    List<String> all = new ArrayList<>(breaking);
    all.addAll(vd.other());
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
    return current.getHistoryList().stream().flatMap(h -> h.getChangesList().stream())
        .anyMatch(c -> c.getObjectType().equals("feature_view") && c.getName().equals(view));
  }

  public boolean isEmpty() {
    return changes.isEmpty();
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
        .addAllHistory(current.getHistoryList())
        .addHistory(RegistryVersion.newBuilder().setVersion(version).setAppliedAt(at).addAllChanges(changes));
    for (FeatureView view : desired.getFeatureViewsList()) {
      Long bumped = newViewVersions.get(view.getName());
      ViewState old = current.getViewStatesMap().get(view.getName());
      if (bumped != null) {
        b.putViewStates(view.getName(), ViewState.newBuilder().setVersion(bumped)
            .setSinceRegistryVersion(version).build());
      } else if (old != null) {
        b.putViewStates(view.getName(), old);
      } else {
        b.putViewStates(view.getName(), ViewState.newBuilder().setVersion(1).setSinceRegistryVersion(version).build());
      }
    }
    return b.build();
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
