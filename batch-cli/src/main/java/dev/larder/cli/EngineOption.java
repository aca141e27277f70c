package dev.larder.cli;

import dev.larder.tasks.Engine;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --engine embedded|spark} (with {@code --master} and {@code --partitions} for Spark), shared by
 * {@code compute} and {@code training-set}: the embedded engine runs here; another engine gets the same
 * command line (see {@link Engine}).
 */
final class EngineOption {
  static final String EMBEDDED = "embedded";

  @Option(names = "--engine", paramLabel = "embedded|spark", defaultValue = EMBEDDED,
      description = "Where the job runs: embedded (default, this process) or spark (needs the larder-spark jar and "
          + "Spark's jars on the classpath; see docs/spark.md).")
  String engine;

  @Option(names = "--master", paramLabel = "URL", description = "With --engine spark: the Spark master, e.g. local[*].")
  String master;

  @Option(names = "--partitions", paramLabel = "N", description = "With --engine spark: shuffle partitions.")
  Integer partitions;

  boolean embedded() {
    if (engine.equals(EMBEDDED)) {
      if (master != null || partitions != null) {
        throw UserError.usage("--master and --partitions need --engine spark");
      }
      return true;
    }
    return false;
  }

  /** Runs the command on the selected engine with the command line it was given, minus {@code --engine}. */
  int delegate(CommandSpec spec, String command) {
    Engine e = Engine.find(engine).orElseThrow(() -> UserError.failure("--engine " + engine + ": no such engine on "
        + "the classpath" + (engine.equals("spark") ? "; run the job with spark-submit --class dev.larder.spark.Main "
        + "larder-spark-app.jar " + command + " ..., or put the larder-spark jar and Spark's jars on the classpath "
        + "(LARDER_CLASSPATH); see docs/spark.md" : "; engines: embedded, spark")));
    e.unavailable().ifPresent(why -> {
      throw UserError.failure("--engine " + engine + ": " + why);
    });
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    List<String> args = new ArrayList<>();
    boolean skipNext = false;
    boolean afterCommand = false;
    for (String a : original) {
      if (!afterCommand) {
        afterCommand = a.equals(command);
        continue;
      }
      if (skipNext) {
        skipNext = false;
      } else if (a.equals("--engine")) {
        skipNext = true;
      } else if (!a.startsWith("--engine=")) {
        args.add(a);
      }
    }
    return e.run(command, args, System.out, System.err);
  }
}
