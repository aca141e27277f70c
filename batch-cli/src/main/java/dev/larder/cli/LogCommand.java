package dev.larder.cli;

import dev.larder.core.v1.Registry;
import dev.larder.describe.RegistryLog;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code larder log} (formerly {@code history}, still accepted): the registry's versions and what each changed. */
@Command(name = "log", aliases = "history", mixinStandardHelpOptions = true,
    header = "List the registry's versions and changes.",
    description = "Lists the registry's versions, newest first, with the changes each one applied.")
final class LogCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json")
  String output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    boolean json = ListCommand.isJson(output, "text");
    Registry registry = ListCommand.read(repo.load(), spec);
    spec.commandLine().getOut().print(json ? RegistryLog.json(registry) : RegistryLog.text(registry));
    spec.commandLine().getOut().flush();
    return Larder.OK;
  }
}
