package dev.larder.stats;

import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Interval;
import dev.larder.offline.OfflineStore;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers what the HTML report shows (drift between two ranges, each feature's mean and null rate over
 * time, each view's freshness) from stored statistics, the offline store and the registry, and writes the
 * page rendered by {@link ReportPage}. A view without statistics gets a note on the page rather than failing
 * the whole report.
 */
public final class Report {
  private static final long DAY = ViewStatistics.DAY;

  /** A feature's mean and null rate per stored period, oldest first. */
  public record Series(long[] times, double[] means, double[] nullRates) {}

  /** One view's part of the report; {@code problem} is set (and features empty) when it could not be compared. */
  public record ViewSection(String view, String description, boolean aggregation, Long lastData,
                            Long lastMaterialized, int periods, String problem, List<FeatureComparison> features,
                            Map<String, Series> series) {}

  public record Model(String project, long generatedAt, TimeRange reference, TimeRange current,
                      DriftThresholds thresholds, List<ViewSection> views) {}

  private Report() {}

  public static Model gather(ProjectConfig config, Catalog catalog, List<FeatureView> views, TimeRange reference,
                             TimeRange current, DriftThresholds thresholds) throws IOException {
    StatsStore store = new StatsStore(config.offlineDir());
    DriftCheck check = new DriftCheck(catalog, config, store, thresholds);
    TimeRange span = new TimeRange(Math.min(reference.start(), current.start()),
        Math.max(reference.end(), current.end()));
    List<ViewSection> sections = new ArrayList<>();
    for (FeatureView view : views) {
      boolean aggregation = Catalog.isAggregation(view);
      Long lastData = null;
      if (aggregation) {
        List<OfflineStore.Snapshot> snaps = OfflineStore.of(config).snapshots(catalog, view.getName());
        lastData = snaps.isEmpty() ? null : snaps.get(snaps.size() - 1).asOf();
      } else {
        List<Long> periods = store.periods(view.getName());
        lastData = periods.isEmpty() ? null : periods.get(periods.size() - 1);
      }
      Long materialized = catalog.viewState(view.getName())
          .filter(s -> s.getMaterializedCount() > 0)
          .map(s -> s.getMaterializedList().stream().mapToLong(Report::end).max().getAsLong())
          .orElse(null);
      List<PeriodStats> periods = store.read(view.getName(), span);
      String problem = null;
      List<FeatureComparison> features = List.of();
      try {
        features = check.compare(view, reference, current, periods);
      } catch (MissingStatisticsException e) {
        problem = e.getMessage();
        features = unchecked(view, reference, current, periods, thresholds);
      }
      sections.add(new ViewSection(view.getName(), view.getDescription(), aggregation, lastData, materialized,
          periods.size(), problem, features, series(ViewStatistics.profiledColumns(catalog, view), periods)));
    }
    return new Model(config.project(), Timestamps.toMicros(Instant.now()), reference, current, thresholds,
        sections);
  }

  /** The features with whatever statistics each range has, unscored: the page still shows numbers and charts. */
  private static List<FeatureComparison> unchecked(FeatureView view, TimeRange reference, TimeRange current,
                                                   List<PeriodStats> periods, DriftThresholds thresholds)
      throws IOException {
    List<PeriodStats> ref = periods.stream().filter(p -> reference.contains(p.start())).toList();
    List<PeriodStats> cur = periods.stream().filter(p -> current.contains(p.start())).toList();
    List<FeatureComparison> out = new ArrayList<>();
    for (var f : view.getFeaturesList()) {
      out.add(new FeatureComparison(view.getName(), f.getName(), f.getType(), DriftCheck.merged(ref, f.getName()),
          DriftCheck.merged(cur, f.getName()), List.of(DriftScore.skipped(DriftMetric.NULL_RATE,
              thresholds.nullRate(), "statistics missing for a range")), false));
    }
    return out;
  }

  private static long end(Interval i) {
    return Timestamps.fromProto(i.getEnd());
  }

  private static Map<String, Series> series(List<String> columns, List<PeriodStats> periods) {
    Map<String, Series> out = new LinkedHashMap<>();
    for (String column : columns) {
      long[] times = new long[periods.size()];
      double[] means = new double[periods.size()];
      double[] nulls = new double[periods.size()];
      for (int i = 0; i < periods.size(); i++) {
        PeriodStats p = periods.get(i);
        times[i] = p.start();
        var stats = p.feature(column);
        means[i] = stats.map(s -> s.profile().mean()).orElse(Double.NaN);
        nulls[i] = stats.map(s -> s.profile().nullRate()).orElse(Double.NaN);
      }
      out.put(column, new Series(times, means, nulls));
    }
    return out;
  }

  /**
   * Ranges to compare when the user names none: the last 7 days of stored periods (up to the latest period of
   * any of the views) as current, and the 21 days before them as reference.
   */
  public static TimeRange[] defaultRanges(StatsStore store, List<FeatureView> views) throws IOException {
    long latest = Long.MIN_VALUE;
    for (FeatureView v : views) {
      List<Long> periods = store.periods(v.getName());
      if (!periods.isEmpty()) {
        latest = Math.max(latest, periods.get(periods.size() - 1));
      }
    }
    if (latest == Long.MIN_VALUE) {
      throw new MissingStatisticsException("no statistics are stored for "
          + (views.size() == 1 ? "view '" + views.get(0).getName() + "'" : "these views")
          + "; run `larder stats --start T --end T` first");
    }
    TimeRange current = new TimeRange(latest - 6 * DAY, latest);
    TimeRange reference = new TimeRange(latest - 27 * DAY, latest - 7 * DAY);
    return new TimeRange[] {reference, current};
  }

  /** Writes the page atomically (temp file in the same folder, then rename). */
  public static void write(Path out, String html) throws IOException {
    Path abs = out.toAbsolutePath();
    if (abs.getParent() != null) {
      Files.createDirectories(abs.getParent());
    }
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
