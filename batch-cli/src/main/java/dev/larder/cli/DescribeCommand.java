package dev.larder.cli;

import dev.larder.registry.Catalog;
import dev.larder.describe.Description;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code larder describe NAME}: one object with its lineage. */
@Command(name = "describe", mixinStandardHelpOptions = true,
    header = "Show one object with its lineage.",
    description = {"Shows an entity, source, feature view, feature service or feature (view:feature, or a bare "
        + "feature name) with its lineage: for a feature its source, entities, view and services; for a view "
        + "its source, entities, features, services, version and materialized intervals."})
final class DescribeCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Parameters(paramLabel = "NAME", description = "Name of the object, or view:feature.")
  String name;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (default) or json (an array of every object called NAME)")
  String output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    boolean json = ListCommand.isJson(output, "text");
    List<Description> found;
    try {
      found = Description.of(ListCommand.read(repo.load(), spec), name);
    } catch (Catalog.UnknownReferenceException e) {
      throw UserError.usage(e.getMessage());
    }
    spec.commandLine().getOut().print(json ? Description.json(found) : Description.text(found));
    spec.commandLine().getOut().flush();
    return Larder.OK;
  }
}
