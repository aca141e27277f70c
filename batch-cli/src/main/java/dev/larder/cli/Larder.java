package dev.larder.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code larder} command: wires the subcommands and maps failures to exit codes. */
@Command(name = "larder", mixinStandardHelpOptions = true, versionProvider = Larder.Version.class,
    description = "Larder feature store: define, compute, train, materialize.",
    subcommands = {
        CommandLine.HelpCommand.class,
        InitCommand.class, ApplyCommand.class, PlanCommand.class, ListCommand.class, DescribeCommand.class,
        HistoryCommand.class,
        SampleCommand.class, ComputeCommand.class,
        TrainingSetCommand.class,
        MaterializeCommand.class, MaterializeIncrementalCommand.class, OnlineCommand.class,
        StatsCommand.class, DriftCommand.class, ReportCommand.class,
    })
public final class Larder implements Runnable {
  /** Exit code for success. */
  public static final int OK = 0;
  /** Exit code for a failure while running (I/O, bad data, a lock held elsewhere). */
  public static final int FAILURE = 1;
  /** Exit code for bad usage or invalid definitions. */
  public static final int USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI in this JVM and returns the exit code; used by tests and the quickstart. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Larder());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof UserError ue) {
        cmd.getErr().println("error: " + ue.getMessage());
        return ue.exitCode();
      }
      cmd.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      if (System.getenv("LARDER_DEBUG") != null) {
        ex.printStackTrace(cmd.getErr());
      }
      return FAILURE;
    });
    return cl;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Larder.class.getPackage().getImplementationVersion();
      return new String[] {"larder " + (v == null ? "dev" : v)};
    }
  }
}
