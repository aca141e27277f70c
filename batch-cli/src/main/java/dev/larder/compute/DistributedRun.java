package dev.larder.compute;

import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.lock.RepoLock;
import dev.larder.offline.OfflineStore;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.tasks.ProgressReporter;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's side of a compute run whose aggregation runs elsewhere (Spark executors): the same locks, the
 * same passthrough checks, the same snapshot writers, and the same publish phase ({@link Publication}) as
 * {@link Compute}, so a run is committed by one protocol whichever engine computed it. The distributed engine
 * takes a {@link DistributedView} per aggregation view, computes its rows, and hands them back here in any
 * order through {@link Output}.
 *
 * <p>Usage: {@code open}, for each of {@link #views()} fill an {@link #output} and {@link Output#finish} it,
 * then {@link #publish()}; always {@link #close()} (an unpublished run leaves the store as it was).
 */
public final class DistributedRun implements AutoCloseable {
  private final ProjectConfig config;
  private final PrintStream log;
  private final Compute.Request request;
  private final long started = System.nanoTime();
  private final long created;
  private final String runId;
  private final long[] asOfs;
  private final Catalog catalog;
  private final List<FeatureView> views;
  private final OfflineStore store;
  private final List<RepoLock> locks = new ArrayList<>();
  private final List<SnapshotSet> pending = new ArrayList<>();
  private final Map<String, Compute.ViewSummary> summaries = new HashMap<>();
  private final List<DistributedView> distributed = new ArrayList<>();
  private BackgroundChecks checks;

  private DistributedRun(ProjectConfig config, Compute.Request request, PrintStream log) throws IOException {
    this.config = config;
    this.log = log;
    this.request = request;
    this.created = Timestamps.toMicros(Instant.now());
    this.runId = Timestamps.format(created).replace(':', '-') + "-pid" + ProcessHandle.current().pid();
    this.asOfs = Arrays.stream(request.asOfs()).sorted().distinct().toArray();
    if (asOfs.length == 0) {
      throw new IllegalArgumentException("no as-of times to compute");
    }
    Registry registry = RegistryFile.read(config.registryPath()).orElseThrow(() -> new IOException(
        config.registryPath() + ": no registry yet; run `larder apply` first"));
    this.catalog = Catalog.of(registry);
    this.views = new ArrayList<>();
    if (request.views() == null || request.views().isEmpty()) {
      views.addAll(catalog.views());
    } else {
      for (String n : new java.util.LinkedHashSet<>(request.views())) {
        views.add(catalog.requireView(n));
      }
    }
    this.store = OfflineStore.of(config);
  }

  /**
   * Takes the views' locks, starts the passthrough checks and resolves every aggregation view against its
   * source (a missing column or a key of the wrong type fails here, before any task runs).
   */
  public static DistributedRun open(ProjectConfig config, Compute.Request request, PrintStream log)
      throws IOException {
    DistributedRun run = new DistributedRun(config, request, log);
    try {
      for (FeatureView v : run.views) {
        run.locks.add(RepoLock.acquire(run.store.viewDir(v.getName()).resolve(".lock"),
            "compute of view '" + v.getName() + "'"));
      }
      run.checks = new BackgroundChecks(run.catalog, run.views, config.repoDir(), request.onBadRow(),
          ProgressReporter.SILENT);
      for (FeatureView v : run.views) {
        if (Catalog.isAggregation(v)) {
          run.store.deleteStaleTemps(v.getName(), Instant.now());
          run.distributed.add(new DistributedView(run.catalog, v, config.repoDir(), run.asOfs, run.created,
              request.onBadRow()));
        }
      }
      return run;
    } catch (IOException | RuntimeException e) {
      run.close();
      throw e;
    }
  }

  /** The aggregation views to compute, in run order. */
  public List<DistributedView> views() {
    return List.copyOf(distributed);
  }

  /** Where one view's rows go: the view's snapshot writers, one per as-of time. */
  public final class Output {
    private final DistributedView view;
    private final SnapshotSet set;
    private final Partition.RowSink sink;

    private Output(DistributedView view, SnapshotSet set) {
      this.view = view;
      this.set = set;
      this.sink = set.sink();
    }

    /** Writes one row (from {@link DistributedView.Aggregator}), in any order. */
    public void accept(int asOf, Object[] keyValues, Object[] values) throws IOException {
      sink.accept(keyValues.length == 1 ? keyValues[0] : Arrays.asList(keyValues), asOf, values);
    }

    /** Completes the view's temp files and records what the distributed engine counted. */
    public void finish(long events, long entities, Map<String, Long> skipped) throws IOException {
      sink.flush();
      set.finish();
      summaries.put(view.name(), new Compute.ViewSummary(view.name(), true, events, entities, set.rows(),
          set.snapshots(), 0, Map.copyOf(skipped)));
    }
  }

  /** Opens the snapshot writers of {@code view} (temp files; nothing is visible before {@link #publish}). */
  public Output output(DistributedView view) throws IOException {
    ViewJob job = view.job();
    SnapshotSet set = new SnapshotSet(store, job, asOfs, created,
        store.commits().lastSequence(store.versionDir(view.name(), job.version())) + 1);
    pending.add(set);
    return new Output(view, set);
  }

  /**
   * Waits for the passthrough checks, then commits every view's snapshots at once, as {@link Compute} does,
   * and prints the same summary.
   */
  public Compute.Summary publish() throws IOException {
    List<Compute.ViewSummary> ordered = new ArrayList<>();
    for (FeatureView v : views) {
      if (Catalog.isAggregation(v)) {
        Compute.ViewSummary s = summaries.get(v.getName());
        if (s == null) {
          throw new IllegalStateException("view '" + v.getName() + "' was not computed");
        }
        ordered.add(s);
      } else {
        ordered.add(checks.await(v.getName()));
      }
    }
    try {
      new Publication(store, catalog, runId, System.err).publish(pending, request.allowEmpty());
    } catch (IOException e) {
      throw Compute.diskFull(e, store.root(), false);
    }
    for (Compute.ViewSummary s : ordered) {
      if (s.aggregation()) {
        RunRecord.write(store.viewDir(s.view()), runId, s.view(), created, asOfs, s.events(), s.entities(),
            s.rows(), s.skipped());
      }
    }
    Compute.Summary summary = new Compute.Summary(ordered, (System.nanoTime() - started) / 1e9);
    Compute.report(log, summary);
    return summary;
  }

  /** Abandons whatever was not published and releases the locks. */
  @Override
  public void close() {
    if (checks != null) {
      checks.close();
    }
    for (SnapshotSet s : pending) {
      try {
        s.close();
      } catch (IOException ignored) {
        // temp files only; the next run deletes them
      }
    }
    for (RepoLock l : locks) {
      try {
        l.close();
      } catch (IOException | RuntimeException ignored) {
        // best effort; the lock is released with the process anyway
      }
    }
  }
}
