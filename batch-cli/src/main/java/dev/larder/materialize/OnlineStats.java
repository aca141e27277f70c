package dev.larder.materialize;

import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Interval;
import dev.larder.core.v1.Registry;
import dev.larder.online.OnlineLayout;
import dev.larder.online.OnlineOptions;
import dev.larder.online.OnlineStore;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryStore;
import dev.larder.registry.ViewVersions;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What {@code larder online stats} shows: per view version on disk, which run is served, how many entities
 * it holds, its size, and the last interval the registry recorded. Older versions the registry records are
 * listed as such (servers still serve them); folders it does not know (removed views, versions it never
 * recorded) are listed as stale, and {@code larder online cleanup} removes them.
 */
public final class OnlineStats {
  private OnlineStats() {}

  /**
   * @param servedRunId  -1 when nothing is published
   * @param entities     entities in the served run (from its SST table properties), -1 when unknown
   * @param bytesOnDisk  the version folder: served run, the retained previous run, and leftovers
   * @param lastStart    start of the last recorded interval (micros), null when none
   * @param stale        the registry no longer serves this view version
   */
  public record ViewStats(String view, long viewVersion, long servedRunId, long entities, long bytesOnDisk,
                          Long lastStart, Long lastEnd, boolean stale) {
    public String lastInterval() {
      return lastStart == null ? "-" : "[" + Timestamps.format(lastStart) + ", " + Timestamps.format(lastEnd) + "]";
    }
  }

  public static List<ViewStats> collect(ProjectConfig config) throws IOException {
    Registry registry = RegistryStore.of(config).read();
    Catalog catalog = Catalog.of(registry);
    Path online = config.onlineDir();
    List<ViewStats> out = new ArrayList<>();
    try (OnlineStore store = OnlineStore.openForReading(online, OnlineOptions.defaults().withBlockCacheBytes(0))) {
      List<String> seen = new ArrayList<>();
      for (FeatureView v : catalog.views()) {
        if (!Catalog.isOnline(v)) {
          continue;
        }
        // Older versions the registry records are still served (to pinned clients, or until the current version
        // has data): not stale.
        for (ViewVersions.Version version : catalog.versions(v.getName()).all()) {
          Path dir = OnlineLayout.versionDir(online, v.getName(), version.number());
          if (version.isCurrent() || Files.isDirectory(dir)) {
            out.add(stats(store, online, v.getName(), version.number(), version.materialized(), false));
            seen.add(v.getName() + "/" + version.number());
          }
        }
      }
      for (String view : OnlineLayout.views(online)) {
        for (long version : OnlineLayout.versions(online, view)) {
          if (!seen.contains(view + "/" + version)) {
            out.add(stats(store, online, view, version, List.of(), true));
          }
        }
      }
    }
    return out;
  }

  private static ViewStats stats(OnlineStore store, Path online, String view, long version, List<Interval> intervals,
                                 boolean stale) throws IOException {
    Path dir = OnlineLayout.versionDir(online, view, version);
    OptionalLong current = OnlineLayout.readCurrent(dir);
    long entities = store.estimatedEntities(view, version);
    Long lastStart = null;
    Long lastEnd = null;
    if (!intervals.isEmpty()) {
      Interval last = intervals.get(intervals.size() - 1);
      lastStart = Timestamps.fromProto(last.getStart());
      lastEnd = Timestamps.fromProto(last.getEnd());
    }
    return new ViewStats(view, version, current.orElse(-1), entities, OnlineLayout.sizeOnDisk(dir), lastStart, lastEnd,
        stale);
  }
}
