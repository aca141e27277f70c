package dev.larder.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code larder} command: wires the subcommands and maps failures to exit codes. A run builds only the
 * subcommand it was asked for (picocli models every registered command up front, about 0.1-0.15 s for all of
 * them, which a cron job pays on every run); help, version and unknown names get all of them.
 */
@Command(name = "larder", mixinStandardHelpOptions = true, versionProvider = Larder.Version.class,
    description = "Larder feature store: define, compute, train, materialize.")
public final class Larder implements Runnable {
  /** Exit code for success. */
  public static final int OK = 0;
  /** Exit code for a failure while running (I/O, bad data, a lock held elsewhere). */
  public static final int FAILURE = 1;
  /** Exit code for bad usage or invalid definitions. */
  public static final int USAGE = 2;
  /** Exit code 3 is {@link DriftCommand#DRIFTED}. */
  /**
   * Exit code of {@code materialize} and {@code materialize-incremental} when a view had no rows in its
   * interval: nothing was published or recorded for it (other views were), unless {@code --allow-empty}.
   */
  public static final int EMPTY = 4;

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
    return commandLine(args.length == 0 ? null : args[0]).execute(args);
  }

  /** The subcommands by name, in the order help lists them; each name is its class's {@code @Command} name. */
  static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("init", InitCommand::new);
    m.put("apply", ApplyCommand::new);
    m.put("plan", PlanCommand::new);
    m.put("list", ListCommand::new);
    m.put("describe", DescribeCommand::new);
    m.put("log", LogCommand::new);
    m.put("sample", SampleCommand::new);
    m.put("compute", ComputeCommand::new);
    m.put("training-set", TrainingSetCommand::new);
    m.put("materialize", MaterializeCommand::new);
    m.put("materialize-incremental", MaterializeIncrementalCommand::new);
    m.put("online", OnlineCommand::new);
    m.put("stats", StatsCommand::new);
    m.put("drift", DriftCommand::new);
    m.put("report", ReportCommand::new);
    m.put("push", PushCommand::new);
    m.put("push-log", PushLogCommand::new);
    m.put("check-storage", CheckStorageCommand::new);
    return Collections.unmodifiableMap(m);
  }

  /** The command line with every subcommand. */
  public static CommandLine commandLine() {
    return commandLine(null);
  }

  /** The command line for arguments starting with {@code first}: only that subcommand when it is one. */
  static CommandLine commandLine(String first) {
    CommandLine cl = new CommandLine(new Larder());
    cl.addSubcommand("help", new CommandLine.HelpCommand());
    Supplier<Object> only = first == null ? null : SUBCOMMANDS.get(first);
    if (only != null) {
      cl.addSubcommand(first, only.get());
    } else {
      SUBCOMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
    }
    cl.setExecutionStrategy(parsed -> {
      int code = new CommandLine.RunLast().execute(parsed);
      if (code == FAILURE || code == USAGE) {
        Progress.dropPending();
      } else {
        Progress.flushPending();
      }
      return code;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Progress.dropPending(); // the last step's "done" line would claim success
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
      return new String[] {dev.larder.build.BuildInfo.current().describe("larder")};
    }
  }
}
