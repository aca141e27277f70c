package dev.larder.serving;

import dev.larder.online.OnlineOptions;
import dev.larder.registry.ProjectConfig;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code larder-server}: reads configuration, starts a {@link LarderServer} and blocks until SIGTERM or
 * SIGINT, which drain in-flight calls before the process exits. Every setting can come from a flag, a
 * {@code LARDER_*} environment variable or the project file, in that order of precedence (see
 * {@link ServerSetting}).
 */
@Command(name = "larder-server", mixinStandardHelpOptions = true, versionProvider = ServerMain.Version.class,
    description = "Serves the latest feature values of a Larder feature repository over gRPC.",
    footer = {"", "Precedence: flag > environment variable > larder.properties > default."})
public final class ServerMain implements Callable<Integer> {
  @Option(names = "--repo", paramLabel = "DIR",
      description = "Feature repository directory (env LARDER_REPO; default: the current directory).")
  Path repo;

  @Option(names = "--registry", paramLabel = "FILE",
      description = "Registry file (env LARDER_REGISTRY; default: 'registry' in larder.properties).")
  Path registry;

  @Option(names = "--online-store", paramLabel = "DIR",
      description = "Online store directory (env LARDER_ONLINE_STORE; default: 'online_store' in larder.properties).")
  Path onlineStore;

  @CommandLine.Spec
  CommandSpec spec;

  private final Map<String, String> env;

  ServerMain(Map<String, String> env) {
    this.env = env;
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /** The command line with one option per {@link ServerSetting}, reading {@code env} for fallbacks. */
  static CommandLine commandLine(Map<String, String> env) {
    CommandLine cl = new CommandLine(new ServerMain(env));
    cl.addSubcommand("hash-token", new HashTokenCommand());
    for (ServerSetting s : ServerSetting.values()) {
      cl.getCommandSpec().addOption(OptionSpec.builder(s.flag())
          .paramLabel("VALUE")
          .type(String.class)
          .description(s.description() + " (env " + s.envVar() + ", file " + s.key() + ", default " + (s.defaultValue().isEmpty() ? "none" : s.defaultValue()) + ")")
          .build());
    }
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("larder-server: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      if (env.get("LARDER_DEBUG") != null) {
        ex.printStackTrace(cmd.getErr());
      }
      return ex instanceof IllegalArgumentException ? 2 : 1;
    });
    return cl;
  }

  /** Resolves the configuration without starting anything; used by {@link #call} and tests. */
  ServerConfig config() throws java.io.IOException {
    Path repoDir = repo != null ? repo : pathFromEnv("LARDER_REPO", Path.of("."));
    ProjectConfig project = ProjectConfig.load(repoDir);
    Map<ServerSetting, String> flags = new EnumMap<>(ServerSetting.class);
    for (ServerSetting s : ServerSetting.values()) {
      String v = spec.findOption(s.flag()).getValue();
      if (v != null) {
        flags.put(s, v);
      }
    }
    return ServerConfig.resolve(project, flags, env,
        registry != null ? registry : pathFromEnv("LARDER_REGISTRY", null),
        onlineStore != null ? onlineStore : pathFromEnv("LARDER_ONLINE_STORE", null));
  }

  /** The online store tuning from the project file ({@code online.*} keys). */
  OnlineOptions onlineOptions() throws java.io.IOException {
    Path repoDir = repo != null ? repo : pathFromEnv("LARDER_REPO", Path.of("."));
    return OnlineOptions.fromSettings(ProjectConfig.load(repoDir).settings());
  }

  @Override
  public Integer call() throws Exception {
    LarderServer server = LarderServer.start(config(), onlineOptions());
    Path repoDir = repo != null ? repo : pathFromEnv("LARDER_REPO", Path.of("."));
    dev.larder.serving.push.KafkaIngest.Settings kafka =
        dev.larder.serving.push.KafkaIngest.Settings.from(ProjectConfig.load(repoDir).settings(), env);
    if (kafka != null) {
      server.startKafka(kafka);
    }
    Thread hook = new Thread(server::close, "larder-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    server.awaitTermination();
    return 0;
  }

  private Path pathFromEnv(String name, Path fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : Path.of(v.trim());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {dev.larder.build.BuildInfo.current().describe("larder-server")};
    }
  }
}
