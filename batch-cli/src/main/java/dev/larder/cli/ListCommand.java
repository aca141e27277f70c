package dev.larder.cli;

import dev.larder.core.v1.Registry;
import dev.larder.registry.ProjectConfig;
import dev.larder.describe.RegistryListing;
import dev.larder.registry.RegistryStore;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code larder list KIND}: the applied objects of one kind. */
@Command(name = "list", mixinStandardHelpOptions = true,
    header = "List the registry's objects of one kind.",
    description = "Lists the applied entities, sources, views, services or features of the registry.")
final class ListCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Parameters(paramLabel = "KIND", description = "entities, sources, views, services or features")
  String kind;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default) or json")
  String output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    RegistryListing.Kind k;
    try {
      k = RegistryListing.Kind.parse(kind);
    } catch (IllegalArgumentException e) {
      throw UserError.usage(e.getMessage());
    }
    boolean json = isJson(output, "table");
    Registry registry = read(repo.load(), spec);
    spec.commandLine().getOut().print(json ? RegistryListing.json(registry, k) : RegistryListing.table(registry, k));
    spec.commandLine().getOut().flush();
    return Larder.OK;
  }

  /** Whether {@code --output} asks for JSON; {@code text} is the other accepted value. */
  static boolean isJson(String output, String text) {
    if (output.equalsIgnoreCase("json")) {
      return true;
    }
    if (output.equalsIgnoreCase(text)) {
      return false;
    }
    throw UserError.usage("--output " + output + " is not supported; expected " + text + " or json");
  }

  /** The applied registry; says on stderr when nothing was applied yet. */
  static Registry read(ProjectConfig config, CommandSpec spec) throws IOException {
    Registry r = RegistryStore.of(config).read();
    if (r.getVersion() == 0) {
      spec.commandLine().getErr().println("The registry " + config.registryPath() + " is empty; run `larder apply`");
    }
    return r;
  }
}
