package dev.larder.cli;

import dev.larder.core.v1.Registry;
import dev.larder.registry.History;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code larder history}: the registry's versions and what each changed. */
@Command(name = "history", mixinStandardHelpOptions = true,
    header = "List the registry's versions and changes.",
    description = "Lists the registry's versions, newest first, with the changes each one applied.")
public final class HistoryCommand implements Callable<Integer> {
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
    spec.commandLine().getOut().print(json ? History.json(registry) : History.text(registry));
    spec.commandLine().getOut().flush();
    return Larder.OK;
  }
}
