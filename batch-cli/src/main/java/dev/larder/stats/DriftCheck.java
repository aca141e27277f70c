package dev.larder.stats;

import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.offline.OfflineStore;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares each feature of some views between a reference and a current range, from the stored statistics
 * of the periods in each range merged together (no history is reread). Fails with
 * {@link MissingStatisticsException} naming the {@code larder stats} command to run when a range has no
 * statistics, or when an aggregation snapshot in it has none or changed after its statistics were computed.
 */
public final class DriftCheck {
  private final Catalog catalog;
  private final ProjectConfig config;
  private final StatsStore store;
  private final DriftThresholds thresholds;

  public DriftCheck(Catalog catalog, ProjectConfig config, StatsStore store, DriftThresholds thresholds) {
    this.catalog = catalog;
    this.config = config;
    this.store = store;
    this.thresholds = thresholds;
  }

  public List<FeatureComparison> compare(FeatureView view, TimeRange reference, TimeRange current)
      throws IOException {
    TimeRange span = new TimeRange(Math.min(reference.start(), current.start()),
        Math.max(reference.end(), current.end()));
    return compare(view, reference, current, store.read(view.getName(), span));
  }

  /** Like {@link #compare(FeatureView, TimeRange, TimeRange)} with the stored periods already read. */
  public List<FeatureComparison> compare(FeatureView view, TimeRange reference, TimeRange current,
                                         List<PeriodStats> stored) throws IOException {
    List<PeriodStats> ref = covering(view, reference, "reference", stored);
    List<PeriodStats> cur = covering(view, current, "current", stored);
    List<FeatureComparison> out = new ArrayList<>();
    for (Feature f : view.getFeaturesList()) {
      FeatureProfile r = merged(ref, f.getName());
      FeatureProfile c = merged(cur, f.getName());
      List<DriftScore> scores = r == null || c == null || r.kind() != c.kind()
          ? List.of(DriftScore.skipped(DriftMetric.NULL_RATE, thresholds.nullRate(),
              r == null ? "no reference statistics" : c == null ? "no current statistics" : "type changed"))
          : Drift.compare(r, c, thresholds);
      out.add(new FeatureComparison(view.getName(), f.getName(), f.getType(), r, c, scores, false));
    }
    for (Field k : catalog.joinKeys(view)) {
      FeatureProfile r = merged(ref, k.getName());
      FeatureProfile c = merged(cur, k.getName());
      if (r != null && c != null && r.kind() == c.kind()) {
        List<DriftScore> nullRate = Drift.compare(r, c, thresholds).subList(0, 1);
        out.add(new FeatureComparison(view.getName(), k.getName(), k.getType(), r, c, nullRate, true));
      }
    }
    return out;
  }

  /** The periods of {@code stored} in the range, after checking that they cover the view's data there. */
  private List<PeriodStats> covering(FeatureView view, TimeRange range, String which, List<PeriodStats> stored)
      throws IOException {
    String name = view.getName();
    List<PeriodStats> periods = stored.stream().filter(p -> range.contains(p.start())).toList();
    String fix = "run `larder stats --view " + name + " --start " + Timestamps.format(range.start())
        + " --end " + Timestamps.format(range.end()) + "` first";
    if (Catalog.isAggregation(view)) {
      int missing = 0;
      int stale = 0;
      for (OfflineStore.Snapshot s : OfflineStore.of(config).snapshots(catalog, name)) {
        if (!range.contains(s.asOf())) {
          continue;
        }
        Path stats = store.file(name, s.asOf());
        if (!Files.exists(stats)) {
          missing++;
        } else if (Files.getLastModifiedTime(s.file()).compareTo(Files.getLastModifiedTime(stats)) > 0) {
          stale++;
        }
      }
      if (missing > 0 || stale > 0) {
        throw new MissingStatisticsException("view '" + name + "', " + which + " range " + range + ": "
            + (missing > 0 ? missing + " snapshot(s) have no statistics" : "")
            + (missing > 0 && stale > 0 ? " and " : "")
            + (stale > 0 ? stale + " snapshot(s) changed after their statistics were computed" : "")
            + "; " + fix);
      }
    }
    if (periods.isEmpty()) {
      throw new MissingStatisticsException("view '" + name + "' has no statistics in the " + which + " range "
          + range + (Catalog.isAggregation(view) ? " (and no snapshots there: run `larder compute` for it)"
              : "; " + fix));
    }
    return periods;
  }

  /** The merge of the feature's profiles over the periods, or null when no period has it. */
  public static FeatureProfile merged(List<PeriodStats> periods, String feature) throws IOException {
    FeatureProfile out = null;
    for (PeriodStats p : periods) {
      var f = p.feature(feature);
      if (f.isEmpty()) {
        continue;
      }
      if (out == null) {
        out = FeatureProfile.fromBytes(f.get().profile().toBytes()); // a copy: never mutate what was read
      } else if (out.kind() == f.get().profile().kind()) {
        out.merge(f.get().profile());
      }
    }
    return out;
  }
}
