package dev.larder.cli;

import dev.larder.core.v1.FeatureView;
import dev.larder.registry.ProjectConfig;
import dev.larder.stats.DriftCheck;
import dev.larder.stats.DriftScore;
import dev.larder.stats.DriftThresholds;
import dev.larder.stats.FeatureComparison;
import dev.larder.stats.MissingStatisticsException;
import dev.larder.stats.StatsStore;
import dev.larder.stats.TimeRange;
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

/** {@code larder drift}: compares stored statistics of two ranges; exit code 3 when a feature drifted. */
@Command(name = "drift", mixinStandardHelpOptions = true,
    header = "Compare feature distributions of two ranges.",
    description = {"Compares each feature's distribution in a current range with a reference range, from the "
        + "statistics `larder stats` stored: PSI and Kolmogorov-Smirnov for numbers, Jensen-Shannon for strings and "
        + "booleans, and the change of the null rate for every feature.",
        "Thresholds: flags, else larder.properties drift.psi_threshold, drift.ks_threshold, drift.js_threshold, "
            + "drift.null_rate_threshold, drift.min_values, else the defaults.",
        "Exit codes: 0 nothing drifted, 3 some score crossed its threshold, 1/2 errors."})
public final class DriftCommand implements Callable<Integer> {
  /** Exit code when at least one feature drifted, so that a cron job can alert on it. */
  public static final int DRIFTED = 3;

  @Mixin
  RepoOption repo;

  @Option(names = "--reference", paramLabel = "START..END", required = true,
      description = "Reference range (periods starting in it, both ends inclusive).")
  String reference;

  @Option(names = "--current", paramLabel = "START..END", required = true, description = "Current range.")
  String current;

  @Option(names = "--view", paramLabel = "VIEW", description = "View to check (repeatable; default: all views).")
  List<String> views = new ArrayList<>();

  @Option(names = "--psi-threshold", paramLabel = "X", description = "PSI above this is drift (default 0.2).")
  Double psi;

  @Option(names = "--ks-threshold", paramLabel = "X", description = "KS distance above this is drift (default 0.1).")
  Double ks;

  @Option(names = "--js-threshold", paramLabel = "X", description = "Jensen-Shannon divergence above this is drift (default 0.1).")
  Double js;

  @Option(names = "--null-rate-threshold", paramLabel = "X",
      description = "Absolute null-rate change above this is drift (default 0.1).")
  Double nullRate;

  @Option(names = "--min-values", paramLabel = "N",
      description = "Skip distribution metrics when a side has fewer non-null values (default 100).")
  Long minValues;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ProjectConfig config = repo.load();
    TimeRange ref = range("--reference", reference);
    TimeRange cur = range("--current", current);
    DriftThresholds t = thresholds(config);
    StatsViews selected = StatsViews.load(config, views);
    DriftCheck check = new DriftCheck(selected.catalog(), config, new StatsStore(config.offlineDir()), t);
    List<FeatureComparison> all = new ArrayList<>();
    for (FeatureView view : selected.views()) {
      try {
        all.addAll(check.compare(view, ref, cur));
      } catch (MissingStatisticsException e) {
        throw UserError.failure(e.getMessage());
      } catch (IOException e) {
        throw UserError.failure("view '" + view.getName() + "': " + e.getMessage());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    print(out, all);
    long drifted = all.stream().filter(FeatureComparison::drifted).count();
    out.printf(Locale.ROOT, "%d of %d features and join keys drifted (reference %s, current %s)%n", drifted,
        all.size(), ref, cur);
    out.flush();
    return drifted > 0 ? DRIFTED : Larder.OK;
  }

  static void print(PrintWriter out, List<FeatureComparison> all) {
    int vw = "view".length();
    int fw = "feature".length();
    for (FeatureComparison c : all) {
      vw = Math.max(vw, c.view().length());
      fw = Math.max(fw, c.feature().length());
    }
    String fmt = "%-" + vw + "s  %-" + fw + "s  %-9s  %9s  %9s  %s%n";
    out.printf(Locale.ROOT, fmt, "view", "feature", "metric", "score", "threshold", "status");
    for (FeatureComparison c : all) {
      for (DriftScore s : c.scores()) {
        out.printf(Locale.ROOT, fmt, c.view(), c.feature(), s.metric().label(),
            Double.isNaN(s.score()) ? "-" : String.format(Locale.ROOT, "%.4f", s.score()),
            String.format(Locale.ROOT, "%.4f", s.threshold()),
            switch (s.status()) {
              case OK -> "ok";
              case DRIFT -> "DRIFT";
              case SKIPPED -> "skipped: " + s.note();
            });
      }
    }
  }

  private DriftThresholds thresholds(ProjectConfig config) {
    DriftThresholds base;
    try {
      base = DriftThresholds.fromSettings(config.settings());
    } catch (IllegalArgumentException e) {
      throw UserError.usage(config.repoDir().resolve(ProjectConfig.FILE_NAME) + ": " + e.getMessage());
    }
    for (Double d : new Double[] {psi, ks, js, nullRate}) {
      if (d != null && (d < 0 || d.isNaN())) {
        throw UserError.usage("thresholds must be non-negative numbers, not " + d);
      }
    }
    return new DriftThresholds(psi != null ? psi : base.psi(), ks != null ? ks : base.ks(),
        js != null ? js : base.js(), nullRate != null ? nullRate : base.nullRate(),
        minValues != null ? minValues : base.minValues());
  }

  static TimeRange range(String option, String text) {
    try {
      return TimeRange.parse(text);
    } catch (IllegalArgumentException e) {
      throw UserError.usage(option + ": " + e.getMessage());
    }
  }
}
