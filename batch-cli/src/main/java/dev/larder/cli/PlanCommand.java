package dev.larder.cli;

import dev.larder.core.v1.Definitions;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.Plan;
import dev.larder.registry.RegistryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code larder plan}: what {@code apply} would change, without writing anything. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    header = "Show what apply would change; write nothing.",
    description = {"Validates the definitions and prints what `larder apply` would add, change and remove; "
        + "breaking changes show the view's new version and the views to recompute. Writes nothing."})
final class PlanCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  /** {@code --detailed-exitcode}: changes pending, none of them a new view version. */
  static final int CHANGES_PENDING = 4;
  /** {@code --detailed-exitcode}: a view gets a new version, whose data must be computed again. */
  static final int NEW_VERSIONS_PENDING = 5;

  @Spec
  CommandSpec spec;

  @Option(names = "--detailed-exitcode", description = {"Exit 0 when nothing would change, "
      + CHANGES_PENDING + " when changes are pending and none gives a view a new version, "
      + NEW_VERSIONS_PENDING + " when a view gets a new version (breaking: its data must be recomputed). "
      + "1 and 2 keep their meaning (failure, invalid definitions)."})
  boolean detailedExitCode;

  @Override
  public Integer call() throws IOException {
    ProjectConfig config = repo.load();
    Definitions desired = ApplyCommand.definitions(config, spec);
    PrintWriter out = spec.commandLine().getOut();
    Plan plan = RegistryStore.of(config).plan(desired);
    plan.render().forEach(out::println);
    out.flush();
    if (!plan.problems().isEmpty()) {
      throw UserError.usage("the plan cannot be applied: " + String.join("; ", plan.problems()));
    }
    if (!detailedExitCode || plan.isEmpty()) {
      return Larder.OK;
    }
    return plan.hasNewVersions() ? NEW_VERSIONS_PENDING : CHANGES_PENDING;
  }
}
