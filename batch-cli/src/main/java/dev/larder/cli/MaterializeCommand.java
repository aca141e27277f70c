package dev.larder.cli;

import dev.larder.lock.RepoLock;
import dev.larder.materialize.MaterializationReport;
import dev.larder.materialize.Materializer;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code larder materialize}: loads the latest feature values in an interval into the online store. */
@Command(name = "materialize", mixinStandardHelpOptions = true,
    header = "Load the latest values into the online store.",
    description = {
        "Loads into the online store, per entity, the latest row of each online view whose event_timestamp",
        "lies in [--start, --end] (aggregation views: their snapshots; passthrough views: their source).",
        "Never goes backwards: a served row with a newer event_timestamp is kept. Rows older than the view's",
        "TTL before --end are dropped. Each view is published atomically; servers pick it up on refresh."})
final class MaterializeCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Spec
  CommandSpec spec;

  @Option(names = "--start", paramLabel = "T", required = true,
      description = "Start of the interval (ISO-8601 instant or date, inclusive).")
  String start;

  @Option(names = "--end", paramLabel = "T", required = true,
      description = "End of the interval (ISO-8601 instant or date, inclusive).")
  String end;

  @Option(names = "--view", paramLabel = "VIEW", description = "View to materialize (repeatable; default: all online views).")
  List<String> views = new ArrayList<>();

  @Option(names = "--allow-empty",
      description = "Publish and record views that have no rows in the interval (default: warn, leave them alone "
          + "and exit " + Larder.EMPTY + ").")
  boolean allowEmpty;

  @Override
  public Integer call() {
    ProjectConfig config = repo.load();
    Materializer.Request request = new Materializer.Request(views, OptionalLong.of(micros("--start", start)),
        micros("--end", end), allowEmpty);
    return run(config, request, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  static long micros(String option, String text) {
    try {
      return Timestamps.toMicros(Timestamps.parseInstant(text));
    } catch (IllegalArgumentException e) {
      throw UserError.usage(option + ": " + e.getMessage());
    }
  }

  /**
   * Runs a materialization and prints a line per view and a total; shared with materialize-incremental.
   * Returns {@link Larder#EMPTY} when a view had no rows in its interval (warned on {@code err}), else OK.
   */
  static int run(ProjectConfig config, Materializer.Request request, PrintWriter out, PrintWriter err) {
    long t0 = System.nanoTime();
    try {
      Materializer materializer = Materializer.of(config, Progress::start);
      List<Materializer.ViewResult> results = materializer.run(request, r -> {
        PrintWriter to = r.empty() ? err : out;
        to.println(MaterializationReport.line(r));
        to.flush();
      });
      out.println(MaterializationReport.total(results, (System.nanoTime() - t0) / 1e9));
      out.flush();
      return results.stream().anyMatch(Materializer.ViewResult::empty) ? Larder.EMPTY : Larder.OK;
    } catch (RepoLock.LockedException e) {
      throw UserError.failure(e.getMessage());
    } catch (Catalog.UnknownReferenceException | IllegalArgumentException e) {
      throw UserError.usage(e.getMessage());
    } catch (IOException e) {
      throw UserError.failure(e.getMessage());
    }
  }
}
