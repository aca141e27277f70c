package dev.larder.cli;

import dev.larder.join.JoinListener;
import dev.larder.registry.Catalog;
import dev.larder.stats.TrainingSetStats;
import dev.larder.training.TrainingSetBuilder;
import dev.larder.training.TrainingSetRequest;
import dev.larder.training.TrainingSetSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code larder training-set}: entity rows joined point-in-time-correctly with feature history. */
@Command(name = "training-set", mixinStandardHelpOptions = true,
    header = "Build a point-in-time-correct training set.",
    description = {"Builds a training set: each entity row gets the feature values as of its timestamp.",
        "Output rows are the input rows, in input order, followed by one column per feature."})
final class TrainingSetCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Option(names = "--entities", required = true, paramLabel = "FILE",
      description = "Parquet or CSV file (or folder) with join keys, a timestamp and any other columns.")
  Path entities;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Features features;

  static final class Features {
    @Option(names = "--features", split = ",", paramLabel = "VIEW:FEATURE",
        description = "Features to join, comma-separated: view:feature, view (all its features), or a "
            + "feature name found in exactly one view.")
    List<String> refs;

    @Option(names = "--service", paramLabel = "NAME", description = "A feature service naming the features.")
    String service;
  }

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Output file: *.parquet (or no extension) for Parquet, *.csv for CSV; other extensions are refused.")
  Path out;

  @Option(names = "--full-feature-names", description = "Name output columns view__feature instead of feature.")
  boolean fullFeatureNames;

  @Option(names = "--timestamp-column", paramLabel = "NAME", defaultValue = "event_timestamp",
      description = "The entity rows' time column (default: ${DEFAULT-VALUE}).")
  String timestampColumn;

  @Option(names = "--created-before-row",
      description = "Only use history rows created at or before the row's time (created_timestamp <= ts).")
  boolean createdBeforeRow;

  @Option(names = "--require-coverage",
      description = "Fail (exit 1, writing nothing) when a view matches none of the entity rows, e.g. because "
          + "`compute` has not run for their dates.")
  boolean requireCoverage;

  @Option(names = "--stats",
      description = "Also write feature statistics of the training set beside it (<out>.stats.parquet).")
  boolean stats;

  @Mixin
  EngineOption engine;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!engine.embedded()) {
      if (stats) {
        throw UserError.usage("--stats is not supported with --engine spark yet; run larder stats on the output");
      }
      return engine.delegate(spec, "training-set");
    }
    TrainingSetRequest request = new TrainingSetRequest(entities, features.refs, features.service, out,
        fullFeatureNames, timestampColumn, createdBeforeRow, requireCoverage);
    TrainingSetSummary summary;
    try (ProgressListener progress = new ProgressListener()) {
      summary = TrainingSetBuilder.forRepo(repo.load(), progress).run(request);
    } catch (IllegalArgumentException | Catalog.UnknownReferenceException e) {
      throw UserError.usage(e.getMessage());
    }
    spec.commandLine().getOut().print(summary.format());
    spec.commandLine().getOut().flush();
    for (String gap : summary.gaps()) {
      spec.commandLine().getErr().println("warning: " + gap);
    }
    spec.commandLine().getErr().flush();
    if (stats) {
      Path statsFile = TrainingSetStats.defaultOut(out);
      TrainingSetStats.write(out, statsFile);
      spec.commandLine().getOut().println("wrote statistics to " + statsFile);
    }
    spec.commandLine().getOut().flush();
    return Larder.OK;
  }

  /** Shows each step of the join as its own progress line. */
  private static final class ProgressListener implements JoinListener, AutoCloseable {
    private Progress current;

    @Override
    public void step(String label, long total) {
      close();
      current = new Progress(label, total);
    }

    @Override
    public void advance(long rows) {
      if (current != null) {
        current.advance(rows);
      }
    }

    @Override
    public void close() {
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }
}
