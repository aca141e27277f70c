package dev.larder.cli;

import dev.larder.core.v1.Definitions;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code larder plan}: what {@code apply} would change, without writing anything. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    header = "Show what apply would change; write nothing.",
    description = {"Validates the definitions and prints what `larder apply` would add, change and remove; "
        + "breaking changes show the view's version bump. Writes nothing."})
final class PlanCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ProjectConfig config = repo.load();
    Definitions desired = ApplyCommand.definitions(config, spec);
    PrintWriter out = spec.commandLine().getOut();
    RegistryStore.of(config).plan(desired).render().forEach(out::println);
    out.flush();
    return Larder.OK;
  }
}
