package dev.larder.cli;

import dev.larder.join.JoinListener;
import dev.larder.registry.Catalog;
import dev.larder.stats.TrainingSetStats;
import dev.larder.training.TrainingSetBuilder;
import dev.larder.training.TrainingSetRequest;
import dev.larder.training.TrainingSetSummary;
import dev.larder.registry.ProjectConfig;
import dev.larder.storage.DataLocation;
import dev.larder.storage.Storage;
import dev.larder.storage.Transfers;
import java.nio.file.Files;
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
      description = "Parquet or CSV file (or folder) with join keys, a timestamp and any other columns; a path or"
          + " an hdfs:// or s3a:// URI.")
  String entities;

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
      description = "Output file: *.parquet (or no extension) for Parquet, *.csv for CSV; other extensions are refused."
          + " A path or an hdfs:// or s3a:// URI (built locally, then uploaded so that it appears complete).")
  String out;

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
    ProjectConfig config = repo.load();
    Path cwd = Path.of("").toAbsolutePath();
    DataLocation entitiesAt = location(entities, cwd);
    DataLocation outAt = location(out, cwd);
    if (entitiesAt.isLocal() && outAt.isLocal()) {
      return run(config, entitiesAt.localPath(), outAt.localPath(), null);
    }
    // a remote input is read more than once (schema, then blocks), a remote output is built before it appears:
    // both go through a local staging folder, removed afterwards
    Path staging = Files.createTempDirectory("larder-staging-");
    try {
      Storage storage = Storage.shared();
      Path localEntities = entitiesAt.isLocal() ? entitiesAt.localPath()
          : Transfers.download(storage, entitiesAt, Files.createDirectories(staging.resolve("entities")));
      Path localOut = outAt.isLocal() ? outAt.localPath()
          : staging.resolve("out").resolve(Path.of(outAt.uri().getPath()).getFileName().toString());
      return run(config, localEntities, localOut, outAt.isLocal() ? null : outAt);
    } finally {
      dev.larder.disk.Folders.deleteTree(staging);
    }
  }

  private static DataLocation location(String text, Path base) {
    try {
      return DataLocation.parse(text, base);
    } catch (IllegalArgumentException e) {
      throw UserError.usage(e.getMessage());
    }
  }

  private int run(ProjectConfig config, Path entities, Path out, DataLocation remoteOut) throws IOException {
    TrainingSetRequest request = new TrainingSetRequest(entities, features.refs, features.service, out,
        fullFeatureNames, timestampColumn, createdBeforeRow, requireCoverage);
    TrainingSetSummary summary;
    try (ProgressListener progress = new ProgressListener()) {
      summary = TrainingSetBuilder.forRepo(config, progress).run(request);
    } catch (IllegalArgumentException | Catalog.UnknownReferenceException e) {
      throw UserError.usage(e.getMessage());
    }
    if (remoteOut != null) {
      Path statsFile = TrainingSetStats.defaultOut(out);
      if (stats) {
        TrainingSetStats.write(out, statsFile);
        Transfers.upload(Storage.shared(), statsFile, DataLocation.parse(remoteOut.uri() + ".stats.parquet", out));
      }
      Transfers.upload(Storage.shared(), out, remoteOut);
      spec.commandLine().getOut().print(summary.format().replace(out.toString(), remoteOut.toString()));
      for (String gap : summary.gaps()) {
        spec.commandLine().getErr().println("warning: " + gap);
      }
      if (stats) {
        spec.commandLine().getOut().println("wrote statistics to " + remoteOut + ".stats.parquet");
      }
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().flush();
      return Larder.OK;
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
