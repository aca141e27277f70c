package dev.larder.cli;

import dev.larder.registry.ProjectConfig;
import dev.larder.stats.DriftThresholds;
import dev.larder.stats.MissingStatisticsException;
import dev.larder.stats.Report;
import dev.larder.stats.ReportPage;
import dev.larder.stats.StatsStore;
import dev.larder.stats.TimeRange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code larder report}: one self-contained HTML page of feature statistics, drift and freshness. */
@Command(name = "report", mixinStandardHelpOptions = true,
    header = "Write an HTML report of statistics and drift.",
    description = {"Writes one self-contained HTML file (inline CSS and SVG, no scripts) from the statistics "
        + "`larder stats` stored: a summary with drifted features first, then per view its freshness and per feature "
        + "its numbers, histogram over the reference, mean and null rate over time, and drift scores.",
        "Without --reference/--current: the last 7 days of stored periods against the 21 days before."})
final class ReportCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "HTML file to write.")
  Path out;

  @Option(names = "--reference", paramLabel = "START..END", description = "Reference range.")
  String reference;

  @Option(names = "--current", paramLabel = "START..END", description = "Current range.")
  String current;

  @Option(names = "--view", paramLabel = "VIEW", description = "View to include (repeatable; default: all views).")
  List<String> views = new ArrayList<>();

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ProjectConfig config = repo.load();
    if ((reference == null) != (current == null)) {
      throw UserError.usage("give both --reference and --current, or neither");
    }
    DriftThresholds thresholds;
    try {
      thresholds = DriftThresholds.fromSettings(config.settings());
    } catch (IllegalArgumentException e) {
      throw UserError.usage(config.repoDir().resolve(ProjectConfig.FILE_NAME) + ": " + e.getMessage());
    }
    StatsViews selected = StatsViews.load(config, views);
    long started = System.nanoTime();
    try {
      TimeRange ref;
      TimeRange cur;
      if (reference == null) {
        TimeRange[] ranges = Report.defaultRanges(new StatsStore(config.offlineDir()), selected.views());
        ref = ranges[0];
        cur = ranges[1];
      } else {
        ref = DriftCommand.range("--reference", reference);
        cur = DriftCommand.range("--current", current);
      }
      Report.Model model = Report.gather(config, selected.catalog(), selected.views(), ref, cur, thresholds);
      Report.write(out, ReportPage.render(model));
      long features = model.views().stream().mapToLong(v -> v.features().size()).sum();
      spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d views, %d features, in %.1f s%n", out,
          model.views().size(), features, (System.nanoTime() - started) / 1e9);
      spec.commandLine().getOut().flush();
    } catch (MissingStatisticsException e) {
      throw UserError.failure(e.getMessage());
    } catch (IOException e) {
      throw UserError.failure(e.getMessage());
    }
    return Larder.OK;
  }
}
