package dev.larder.stats;

import dev.larder.core.v1.FeatureView;
import dev.larder.lock.RepoLock;
import dev.larder.offline.OfflineStore;
import dev.larder.offline.ViewHistory;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Computes and stores the statistics of one view over a time range, in one streaming pass over its history
 * (read through {@link ViewHistory}). Aggregation views get one period per snapshot file; passthrough views
 * one period per UTC day of {@code event_timestamp}, the range widened to whole days. Memory is one set of
 * profiles per period in the range (a few KB per feature), never the rows. Stored periods in the range that
 * the run did not produce (a snapshot since deleted) are removed, so a re-run leaves exactly its result.
 */
public final class ViewStatistics {
  static final long DAY = 86_400_000_000L;

  private final Catalog catalog;
  private final ProjectConfig config;
  private final StatsStore store;

  public ViewStatistics(Catalog catalog, ProjectConfig config, StatsStore store) {
    this.catalog = catalog;
    this.config = config;
    this.store = store;
  }

  /** The columns profiled: the join keys (for their null rate), then the features. */
  static List<String> profiledColumns(Catalog catalog, FeatureView view) {
    List<String> out = new java.util.ArrayList<>();
    catalog.joinKeys(view).forEach(k -> out.add(k.getName()));
    view.getFeaturesList().forEach(f -> out.add(f.getName()));
    return out;
  }

  /**
   * What one run wrote for one view.
   *
   * @param recomputedLegacy periods stored in the old sketch format that this run recomputed from the data
   * @param convertedLegacy periods stored in the old format outside the range, read once and rewritten in the
   *     new format
   * @param carriedDistinct features of converted periods whose distinct count is a carried number (see
   *     {@link DistinctSketch}) until those periods are recomputed
   */
  public record Result(String view, int periods, long rows, int recomputedLegacy, int convertedLegacy,
                       int carriedDistinct) {}

  /** @param progress told the number of rows read, now and then */
  public Result compute(FeatureView view, TimeRange range, LongConsumer progress) throws IOException {
    Path dir = store.root().resolve(view.getName());
    Files.createDirectories(dir);
    try (RepoLock lock = RepoLock.acquire(dir.resolve(".lock"), "statistics of view '" + view.getName() + "'")) {
      store.deleteTemps(view.getName()); // left by a killed run; nobody else writes while we hold the lock
      return computeLocked(view, range, progress);
    }
  }

  private Result computeLocked(FeatureView view, TimeRange range, LongConsumer progress) throws IOException {
    List<String> features = profiledColumns(catalog, view);
    List<Long> legacy = store.legacyPeriods(view.getName());
    Set<Long> written = new HashSet<>();
    long rows = 0;
    TimeRange covered;
    if (Catalog.isAggregation(view)) {
      covered = range;
      for (OfflineStore.Snapshot s : OfflineStore.of(config).snapshots(catalog, view.getName())) {
        if (!range.contains(s.asOf())) {
          continue;
        }
        try (RowReader in = ViewHistory.open(catalog, view, config, s.asOf(), s.asOf())) {
          RowProfiler p = new RowProfiler(in.schema(), features);
          for (Object[] row; (row = in.next()) != null; ) {
            p.add(row);
            if ((++rows & 0xFFFF) == 0) {
              progress.accept(rows);
            }
          }
          store.write(p.toStats(view.getName(), s.asOf(), s.asOf()));
          written.add(s.asOf());
        }
      }
    } else {
      covered = new TimeRange(Math.floorDiv(range.start(), DAY) * DAY,
          range.end() == Long.MAX_VALUE ? Long.MAX_VALUE : Math.floorDiv(range.end(), DAY) * DAY + DAY - 1);
      TreeMap<Long, RowProfiler> days = new TreeMap<>();
      try (RowReader in = ViewHistory.open(catalog, view, config, covered.start(), covered.end())) {
        int ts = in.schema().indexOf(OfflineStore.EVENT_TIMESTAMP);
        for (Object[] row; (row = in.next()) != null; ) {
          long day = Math.floorDiv((Long) row[ts], DAY) * DAY;
          days.computeIfAbsent(day, d -> new RowProfiler(in.schema(), features)).add(row);
          if ((++rows & 0xFFFF) == 0) {
            progress.accept(rows);
          }
        }
      }
      for (var e : days.entrySet()) {
        store.write(e.getValue().toStats(view.getName(), e.getKey(), e.getKey() + DAY));
        written.add(e.getKey());
      }
    }
    for (long start : store.periods(view.getName())) {
      if (covered.contains(start) && !written.contains(start)) {
        store.delete(view.getName(), start);
      }
    }
    int recomputed = 0;
    int converted = 0;
    int carried = 0;
    for (long start : legacy) {
      if (written.contains(start)) {
        recomputed++;
      } else if (!covered.contains(start)) {
        // Outside the range: read once (fromBytes converts) and store again in the new format.
        for (PeriodStats p : StatsStore.readFile(store.file(view.getName(), start))) {
          store.write(p);
          carried += (int) p.features().stream().filter(f -> f.profile().distinctCarried()).count();
        }
        converted++;
      }
    }
    store.markCurrentFormat(view.getName());
    progress.accept(rows);
    return new Result(view.getName(), written.size(), rows, recomputed, converted, carried);
  }
}
