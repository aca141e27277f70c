package dev.larder.spark;

import dev.larder.compute.BadRowPolicy;
import dev.larder.compute.Compute;
import dev.larder.lock.RepoLock;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import dev.larder.training.TrainingSetRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Spark application: {@code spark-submit --class dev.larder.spark.Main larder-spark-app.jar compute --repo
 * DIR ...}. It takes the flags of the {@code larder} command it stands for, so that moving a job from one
 * machine to a cluster changes the launcher, not the job. Exit codes follow {@code larder}: 0 success, 1 failure,
 * 2 usage.
 */
@Command(name = "larder-spark", mixinStandardHelpOptions = true,
    header = "Larder's batch jobs on Apache Spark.",
    subcommands = {Main.ComputeJob.class, Main.TrainingSetJob.class})
public final class Main implements Callable<Integer> {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return USAGE;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line; returns the exit code (for tests and the CLI's --engine spark). */
  public static int run(String... args) {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("error: " + e.getMessage());
          return e instanceof IllegalArgumentException ? USAGE : FAILURE;
        })
        .execute(args);
  }

  /** Options every job takes besides the command's own. */
  static final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master (e.g. local[*]); default: what spark-submit set.")
    String master;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
        description = "Shuffle partitions (default: Spark's default parallelism).")
    int partitions;

    SparkSession session(String app) {
      SparkSession.Builder b = SparkSession.builder().appName(app);
      if (master != null) {
        b.master(master);
      }
      return b.getOrCreate();
    }
  }

  @Command(name = "compute", mixinStandardHelpOptions = true,
      header = "Compute feature snapshots into the offline store, on Spark.",
      description = "The same job and flags as `larder compute`; see docs/spark.md.")
  static final class ComputeJob implements Callable<Integer> {
    @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".", description = "Feature repository directory.")
    Path repo;

    @Option(names = "--view", paramLabel = "VIEW", description = "View to compute (repeatable; default: all views).")
    List<String> views = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Times times;

    static final class Times {
      @ArgGroup(exclusive = false)
      Range range;

      @Option(names = "--as-of", paramLabel = "T", required = true, description = "One as-of time (repeatable).")
      List<String> asOf;
    }

    static final class Range {
      @Option(names = "--start", paramLabel = "T", required = true, description = "First as-of time.")
      String start;

      @Option(names = "--end", paramLabel = "T", required = true, description = "Last as-of time (inclusive).")
      String end;

      @Option(names = "--step", paramLabel = "DURATION", defaultValue = "1d", description = "Time between as-of times.")
      String step;
    }

    @Option(names = "--on-bad-row", paramLabel = "fail|skip", defaultValue = "fail",
        description = "On a bad source row: fail (default) or skip it and report counts by reason.")
    String onBadRow;

    @Option(names = "--allow-empty", description = "Let an empty snapshot replace a snapshot that has rows.")
    boolean allowEmpty;

    @CommandLine.Mixin
    SparkMixin spark;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      BadRowPolicy policy = switch (onBadRow.toLowerCase(java.util.Locale.ROOT)) {
        case "fail" -> BadRowPolicy.FAIL;
        case "skip" -> BadRowPolicy.SKIP;
        default -> throw new IllegalArgumentException("--on-bad-row must be fail or skip, not '" + onBadRow + "'");
      };
      long[] asOfs = times.range != null
          ? Compute.asOfRange(micros(times.range.start), micros(times.range.end), times.range.step)
          : times.asOf.stream().mapToLong(ComputeJob::micros).toArray();
      ProjectConfig config;
      try {
        config = ProjectConfig.load(repo);
      } catch (IOException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      SparkSession session = spark.options.session("larder compute");
      try {
        new SparkCompute(session, spark.options.partitions)
            .run(config, new Compute.Request(views, asOfs, policy, 0, allowEmpty), System.out);
        return OK;
      } catch (RepoLock.LockedException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return FAILURE;
      } catch (Catalog.UnknownReferenceException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return USAGE;
      } catch (IOException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return FAILURE;
      }
    }

    private static long micros(String text) {
      return Timestamps.toMicros(Timestamps.parseInstant(text));
    }
  }

  @Command(name = "training-set", mixinStandardHelpOptions = true,
      header = "Build a point-in-time-correct training set, on Spark.",
      description = "The same job and flags as `larder training-set`; see docs/spark.md.")
  static final class TrainingSetJob implements Callable<Integer> {
    @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".", description = "Feature repository directory.")
    Path repo;

    @Option(names = "--entities", required = true, paramLabel = "FILE",
        description = "Parquet or CSV file (or folder) with join keys, a timestamp and any other columns.")
    Path entities;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Features features;

    static final class Features {
      @Option(names = "--features", split = ",", paramLabel = "VIEW:FEATURE", description = "Features to join.")
      List<String> refs;

      @Option(names = "--service", paramLabel = "NAME", description = "A feature service naming the features.")
      String service;
    }

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output file (*.parquet or *.csv).")
    Path out;

    @Option(names = "--full-feature-names", description = "Name output columns view__feature.")
    boolean fullFeatureNames;

    @Option(names = "--timestamp-column", paramLabel = "NAME", defaultValue = "event_timestamp",
        description = "The entity rows' time column (default: ${DEFAULT-VALUE}).")
    String timestampColumn;

    @Option(names = "--created-before-row", description = "Only use history rows created at or before the row's time.")
    boolean createdBeforeRow;

    @Option(names = "--require-coverage", description = "Not supported on Spark yet (refused).")
    boolean requireCoverage;

    @CommandLine.Mixin
    SparkMixin spark;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      ProjectConfig config;
      try {
        config = ProjectConfig.load(repo);
      } catch (IOException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      TrainingSetRequest request = new TrainingSetRequest(entities, features.refs, features.service, out,
          fullFeatureNames, timestampColumn, createdBeforeRow, requireCoverage);
      SparkSession session = spark.options.session("larder training-set");
      try {
        long rows = new SparkTrainingSet(session, spark.options.partitions).run(config, request);
        spec.commandLine().getOut().printf("wrote %,d rows to %s%n", rows, out);
        spec.commandLine().getOut().flush();
        return OK;
      } catch (Catalog.UnknownReferenceException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return USAGE;
      } catch (IOException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return FAILURE;
      }
    }
  }

  /** Picocli mixin wrapper for {@link SparkOptions}. */
  static final class SparkMixin {
    @CommandLine.Mixin
    SparkOptions options = new SparkOptions();
  }
}
