package dev.larder.bench;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code larder-bench}: measures Larder's speed claims against same-run baselines (DuckDB for batch work,
 * Redis for bulk loading, gRPC Health/Check for serving) on data it generates itself, so that anyone can
 * check a claim with one command. Each scenario prints a table and one JSON line.
 */
@Command(name = "larder-bench", mixinStandardHelpOptions = true,
    description = "Benchmarks Larder against same-run baselines on generated data.",
    subcommands = {
        CommandLine.HelpCommand.class,
        ServeScenario.class, ComputeScenario.class, TrainingSetScenario.class, MaterializeScenario.class,
        SmokeScenario.class, LookupCostScenario.class, PushScenario.class,
    })
public final class Bench implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a scenario is required");
  }

  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  /**
   * Runs a scenario, printing to {@code out}. Exit code 0 when every report is ok or not available, 1 when a
   * scenario failed, 2 for bad usage.
   */
  public static int run(PrintStream out, String... args) {
    CommandLine cl = new CommandLine(new Bench(), new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        K k = CommandLine.defaultFactory().create(cls);
        if (k instanceof Scenario s) {
          s.out = out;
        }
        return k;
      }
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("error: " + ex);
      ex.printStackTrace(cmd.getErr());
      return 1;
    });
    return cl.execute(args);
  }
}
