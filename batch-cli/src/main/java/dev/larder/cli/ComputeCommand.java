package dev.larder.cli;

import dev.larder.compute.BadRowPolicy;
import dev.larder.compute.Compute;
import dev.larder.lock.RepoLock;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code larder compute}: writes aggregation views' snapshots to the offline store (see {@link Compute}). */
@Command(name = "compute", mixinStandardHelpOptions = true,
    header = "Compute feature snapshots into the offline store.",
    description = {
        "Computes aggregation features into the offline store: one Parquet snapshot per view and as-of time T,",
        "aggregating events with T - window <= event_timestamp < T. Passthrough views' sources are validated.",
        "Nothing is visible until the whole run succeeded."})
final class ComputeCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Option(names = "--view", paramLabel = "VIEW", description = "View to compute (repeatable; default: all views).")
  List<String> views = new ArrayList<>();

  @ArgGroup(exclusive = true, multiplicity = "1")
  Times times;

  static final class Times {
    @ArgGroup(exclusive = false)
    Range range;

    @Option(names = "--as-of", paramLabel = "T", required = true,
        description = "One as-of time (ISO-8601 instant or date; repeatable).")
    List<String> asOf;
  }

  static final class Range {
    @Option(names = "--start", paramLabel = "T", required = true, description = "First as-of time.")
    String start;

    @Option(names = "--end", paramLabel = "T", required = true, description = "Last as-of time (inclusive).")
    String end;

    @Option(names = "--step", paramLabel = "DURATION", defaultValue = "1d",
        description = "Time between as-of times (default: ${DEFAULT-VALUE}).")
    String step;
  }

  @Option(names = "--on-bad-row", paramLabel = "fail|skip", defaultValue = "fail",
      description = "On a row with a null join key, a null or unparsable timestamp or an unparsable value: "
          + "fail (default) or skip it and report counts by reason.")
  String onBadRow;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  EngineOption engine;

  @Option(names = "--allow-empty",
      description = "Let an empty snapshot (no rows) replace a snapshot that has rows. Without it such a run "
          + "fails and commits nothing: an empty result usually means a wrong or empty source.")
  boolean allowEmpty;

  @Override
  public Integer call() {
    if (!engine.embedded()) {
      return engine.delegate(spec, "compute");
    }
    ProjectConfig config = repo.load();
    BadRowPolicy policy = switch (onBadRow.toLowerCase()) {
      case "fail" -> BadRowPolicy.FAIL;
      case "skip" -> BadRowPolicy.SKIP;
      default -> throw UserError.usage("--on-bad-row must be fail or skip, not '" + onBadRow + "'");
    };
    long[] asOfs;
    try {
      if (times.range != null) {
        asOfs = Compute.asOfRange(micros(times.range.start), micros(times.range.end), times.range.step);
      } else {
        asOfs = times.asOf.stream().mapToLong(ComputeCommand::micros).toArray();
      }
    } catch (IllegalArgumentException e) {
      throw UserError.usage(e.getMessage());
    }
    // The closing summary is the command's result: stdout, like every command's (Compute prints it at the end).
    java.io.ByteArrayOutputStream summary = new java.io.ByteArrayOutputStream();
    try {
      new Compute(config, new java.io.PrintStream(summary, true, java.nio.charset.StandardCharsets.UTF_8),
          Progress::start).run(new Compute.Request(views, asOfs, policy, 0, allowEmpty));
      spec.commandLine().getOut().print(summary.toString(java.nio.charset.StandardCharsets.UTF_8));
      spec.commandLine().getOut().flush();
    } catch (RepoLock.LockedException e) {
      throw UserError.failure(e.getMessage());
    } catch (Catalog.UnknownReferenceException e) {
      throw UserError.usage(e.getMessage());
    } catch (IOException e) {
      throw UserError.failure(e.getMessage());
    }
    return Larder.OK;
  }

  private static long micros(String text) {
    return Timestamps.toMicros(Timestamps.parseInstant(text));
  }
}
