package dev.larder.cli;

import dev.larder.core.v1.FeatureView;
import dev.larder.lock.RepoLock;
import dev.larder.registry.ProjectConfig;
import dev.larder.stats.StatsStore;
import dev.larder.stats.TimeRange;
import dev.larder.stats.ViewStatistics;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code larder stats}: computes and stores per-period feature statistics (see {@link ViewStatistics}). */
@Command(name = "stats", mixinStandardHelpOptions = true,
    header = "Store feature statistics per period.",
    description = {"Computes feature statistics per period and stores them as Parquet under <offline>/_stats/<view>/:",
        "rows, nulls, distinct values, min/max/mean/stddev, quantiles, a histogram or top values, and mergeable sketches.",
        "Aggregation views: one period per snapshot in [--start, --end]; passthrough views: one per UTC day of "
            + "event_timestamp. Re-running replaces the periods of the range.",
        "Periods stored in the old (pre-DataSketches) sketch format are recomputed inside the range and converted "
            + "outside it; the output says which."})
final class StatsCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Option(names = "--view", paramLabel = "VIEW", description = "View to profile (repeatable; default: all views).")
  List<String> views = new ArrayList<>();

  @Option(names = "--start", paramLabel = "T", required = true, description = "Start of the range (ISO instant or date).")
  String start;

  @Option(names = "--end", paramLabel = "T", required = true, description = "End of the range, inclusive.")
  String end;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ProjectConfig config = repo.load();
    TimeRange range;
    try {
      range = new TimeRange(Timestamps.toMicros(Timestamps.parseInstant(start)),
          Timestamps.toMicros(Timestamps.parseInstant(end)));
    } catch (IllegalArgumentException e) {
      throw UserError.usage(e.getMessage());
    }
    StatsViews selected = StatsViews.load(config, views);
    ViewStatistics statistics = new ViewStatistics(selected.catalog(), config, new StatsStore(config.offlineDir()));
    PrintWriter out = spec.commandLine().getOut();
    for (FeatureView view : selected.views()) {
      try (Progress progress = new Progress("stats " + view.getName(), -1)) {
        long[] seen = {0};
        ViewStatistics.Result r = statistics.compute(view, range, rows -> {
          progress.advance(rows - seen[0]);
          seen[0] = rows;
        });
        out.printf(Locale.ROOT, "%s: %,d rows profiled into %d period%s%s%n", r.view(), r.rows(), r.periods(),
            r.periods() == 1 ? "" : "s", r.periods() == 0 ? " (no data in the range)" : "");
        if (r.recomputedLegacy() > 0) {
          out.printf(Locale.ROOT, "%s: %d period%s stored in the old sketch format recomputed%n", r.view(),
              r.recomputedLegacy(), r.recomputedLegacy() == 1 ? "" : "s");
        }
        if (r.convertedLegacy() > 0) {
          out.printf(Locale.ROOT, "%s: %d period%s outside the range converted from the old sketch format%s%n",
              r.view(), r.convertedLegacy(), r.convertedLegacy() == 1 ? "" : "s", r.carriedDistinct() == 0 ? ""
                  : " (" + r.carriedDistinct() + " distinct count" + (r.carriedDistinct() == 1 ? " is" : "s are")
                  + " carried as a number and add up when merged; recompute those periods for exact ones)");
        }
      } catch (RepoLock.LockedException e) {
        throw UserError.failure(e.getMessage());
      } catch (IOException e) {
        throw UserError.failure("view '" + view.getName() + "': " + e.getMessage());
      }
    }
    out.flush();
    return Larder.OK;
  }
}
