package dev.larder.compute;

import dev.larder.tasks.ProgressReporter;
import dev.larder.core.v1.FeatureView;
import dev.larder.registry.Catalog;
import dev.larder.tasks.Tasks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The passthrough checks of a run ({@link PassthroughCheck}), done in view order on a thread of their own
 * while the aggregation views compute: sorting, sliding and writing snapshots leave part of the second core
 * idle, and a check only reads. Results are taken in view order, so a run reports the same first failure
 * as when the checks ran in turn.
 */
final class BackgroundChecks implements AutoCloseable {
  private final Map<String, CompletableFuture<Compute.ViewSummary>> results = new LinkedHashMap<>();
  private final Thread thread;

  BackgroundChecks(Catalog catalog, List<FeatureView> views, Path repoDir, BadRowPolicy policy, ProgressReporter progress) {
    List<FeatureView> checks = views.stream().filter(v -> !Catalog.isAggregation(v)).toList();
    for (FeatureView v : checks) {
      results.put(v.getName(), new CompletableFuture<>());
    }
    thread = new Thread(() -> {
      for (FeatureView v : checks) {
        CompletableFuture<Compute.ViewSummary> result = results.get(v.getName());
        try (ProgressReporter.Step step = progress.start("validating " + v.getName(), -1)) {
          BadRows bad = new BadRows(policy);
          long good = PassthroughCheck.run(catalog, v, repoDir, bad, step::advance);
          result.complete(new Compute.ViewSummary(v.getName(), false, good, 0, 0, 0, 0, bad.counts()));
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      }
    }, "larder-check");
    thread.setDaemon(true);
    if (!checks.isEmpty()) {
      thread.start();
    }
  }

  /** The check of passthrough view {@code view}, waiting for it; its failure is thrown as it was. */
  Compute.ViewSummary await(String view) throws IOException {
    return Tasks.await(results.get(view), "checking view '" + view + "'");
  }

  /** Stops checks still running (the run failed elsewhere) and waits for the thread. */
  @Override
  public void close() {
    if (thread.isAlive()) {
      Tasks.stop(thread);
    }
  }
}
