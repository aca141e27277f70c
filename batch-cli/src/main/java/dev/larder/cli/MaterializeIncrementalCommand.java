package dev.larder.cli;

import dev.larder.materialize.Materializer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code larder materialize-incremental}: materializes each online view from where it last stopped. */
@Command(name = "materialize-incremental", mixinStandardHelpOptions = true,
    header = "Materialize from where each view last stopped.",
    description = {
        "Like materialize, with each view's start taken from the registry: the end of its last recorded",
        "interval for the view's current version; on a view's first run, --end minus its TTL, or its whole",
        "history when it has no TTL."})
final class MaterializeIncrementalCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Spec
  CommandSpec spec;

  @Option(names = "--end", paramLabel = "T", required = true,
      description = "End of the interval (ISO-8601 instant or date, inclusive).")
  String end;

  @Option(names = "--view", paramLabel = "VIEW", description = "View to materialize (repeatable; default: all online views).")
  List<String> views = new ArrayList<>();

  @Option(names = "--allow-empty",
      description = "Publish and record views that have no new rows (default: warn, leave them alone and exit "
          + Larder.EMPTY + ").")
  boolean allowEmpty;

  @Override
  public Integer call() {
    Materializer.Request request = new Materializer.Request(views, OptionalLong.empty(),
        MaterializeCommand.micros("--end", end), allowEmpty);
    return MaterializeCommand.run(repo.load(), request, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
