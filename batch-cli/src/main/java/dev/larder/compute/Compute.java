package dev.larder.compute;

import dev.larder.tasks.ProgressReporter;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.disk.Folders;
import dev.larder.lock.RepoLock;
import dev.larder.offline.OfflineStore;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code larder compute}: turns source events into offline-store snapshots of every aggregation view (one
 * Parquet file per view and as-of time), and validates passthrough views' sources. Callable from Java (the
 * CLI command and benchmarks use it the same way): {@code new Compute(config, System.err).run(request)}.
 *
 * <p>A run is all or nothing: snapshots of every view are committed together, by one commit marker written
 * after every view succeeded (see {@link Publication}), and a per-view lock keeps two runs from interleaving.
 * See docs/aggregations.md for the semantics.
 */
public final class Compute {
  /** Share of the max heap that buffered events may use; the rest is for readers, writers and the JVM. */
  static final double EVENT_HEAP_SHARE = 0.3;

  /**
   * What to compute.
   *
   * @param views view names; empty means every view
   * @param asOfs as-of times in microseconds (any order; duplicates ignored)
   * @param eventHeapBytes heap bytes buffered events may take before spilling; 0 derives it from the max heap
   * @param allowEmpty whether an empty snapshot may replace a snapshot that has rows
   */
  public record Request(List<String> views, long[] asOfs, BadRowPolicy onBadRow, long eventHeapBytes,
                        boolean allowEmpty) {
    public Request(List<String> views, long[] asOfs, BadRowPolicy onBadRow, long eventHeapBytes) {
      this(views, asOfs, onBadRow, eventHeapBytes, false);
    }

    public Request(List<String> views, long[] asOfs, BadRowPolicy onBadRow) {
      this(views, asOfs, onBadRow, 0);
    }
  }

  /** What one view's computation (or validation, for a passthrough view) did. */
  public record ViewSummary(String view, boolean aggregation, long events, long entities, long rows,
                            int snapshots, int spillPartitions, Map<String, Long> skipped) {}

  /** What the run did, for the closing summary and for benchmarks. */
  public record Summary(List<ViewSummary> views, double seconds) {
    public long events() {
      return views.stream().mapToLong(ViewSummary::events).sum();
    }

    public long entities() {
      return views.stream().mapToLong(ViewSummary::entities).sum();
    }

    public long rows() {
      return views.stream().mapToLong(ViewSummary::rows).sum();
    }

    public int snapshots() {
      return views.stream().mapToInt(ViewSummary::snapshots).sum();
    }

    public long skipped() {
      return views.stream().flatMap(v -> v.skipped().values().stream()).mapToLong(Long::longValue).sum();
    }

    public double eventsPerSecond() {
      return events() / Math.max(seconds, 1e-9);
    }
  }

  private final ProjectConfig config;
  private final PrintStream log;
  private final ProgressReporter progress;

  /**
   * As-of times {@code start, start + step, ...} up to and including {@code end} (micros).
   *
   * @throws IllegalArgumentException when end is before start, the step is not a positive duration, or there
   *     would be more than 10,000 times
   */
  public static long[] asOfRange(long start, long end, String step) {
    return AsOfTimes.range(start, end, step);
  }

  public Compute(ProjectConfig config, PrintStream log) {
    this(config, log, ProgressReporter.SILENT);
  }

  public Compute(ProjectConfig config, PrintStream log, ProgressReporter progress) {
    this.config = config;
    this.log = log;
    this.progress = progress;
  }

  /**
   * Runs the computation.
   *
   * @throws IOException naming the file, row and column of bad data, a missing source column, a lock held by
   *     another run, or an I/O failure; the offline store is then as it was
   * @throws IllegalArgumentException for unknown views or an empty list of as-of times
   */
  public Summary run(Request request) throws IOException {
    long started = System.nanoTime();
    long created = Timestamps.toMicros(Instant.now());
    String runId = Timestamps.format(created).replace(':', '-') + "-pid" + ProcessHandle.current().pid();
    long[] asOfs = java.util.Arrays.stream(request.asOfs()).sorted().distinct().toArray();
    if (asOfs.length == 0) {
      throw new IllegalArgumentException("no as-of times to compute");
    }
    Catalog catalog = loadCatalog();
    List<FeatureView> views = select(catalog, request.views());
    OfflineStore store = OfflineStore.of(config);
    long budget = request.eventHeapBytes() > 0 ? request.eventHeapBytes()
        : (long) (Runtime.getRuntime().maxMemory() * EVENT_HEAP_SHARE);

    List<RepoLock> locks = new ArrayList<>();
    List<SnapshotSet> pending = new ArrayList<>();
    List<ViewSummary> summaries = new ArrayList<>();
    BackgroundChecks checks = null;
    try {
      for (FeatureView v : views) {
        locks.add(RepoLock.acquire(store.viewDir(v.getName()).resolve(".lock"),
            "compute of view '" + v.getName() + "'"));
      }
      checks = new BackgroundChecks(catalog, views, config.repoDir(), request.onBadRow(), progress);
      for (FeatureView v : views) {
        if (Catalog.isAggregation(v)) {
          try {
            summaries.add(computeView(catalog, v, store, asOfs, created, budget, new BadRows(request.onBadRow()),
                pending));
          } catch (IOException e) {
            throw diskFull(e, store.viewDir(v.getName()), true);
          }
        } else {
          summaries.add(checks.await(v.getName()));
        }
      }
      try {
        // publishing and published lines are status, not results: they go to stderr at once, where a supervisor
        // (and the kill tests) can see the publish phase begin and end
        new Publication(store, catalog, runId, System.err).publish(pending, request.allowEmpty());
      } catch (IOException e) {
        throw diskFull(e, store.root(), false);
      }
      for (int i = 0; i < views.size(); i++) {
        ViewSummary s = summaries.get(i);
        if (s.aggregation()) {
          RunRecord.write(store.viewDir(s.view()), runId, s.view(), created, asOfs, s.events(), s.entities(),
              s.rows(), s.skipped());
        }
      }
    } catch (BadRows.BadRowException e) {
      throw new IOException(e.getMessage(), e);
    } finally {
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
        l.close();
      }
    }
    Summary summary = new Summary(summaries, (System.nanoTime() - started) / 1e9);
    report(summary);
    return summary;
  }

  private ViewSummary computeView(Catalog catalog, FeatureView v, OfflineStore store, long[] asOfs, long created,
                                  long budget, BadRows bad, List<SnapshotSet> pending) throws IOException {
    Path viewDir = store.viewDir(v.getName());
    Path spillDir = viewDir.resolve("_spill");
    Folders.deleteTree(spillDir); // left by a killed run; we hold the view's lock
    store.deleteStaleTemps(v.getName(), Instant.now());
    ViewJob job = new ViewJob(catalog, v, config.repoDir());
    SnapshotSet out = new SnapshotSet(store, job, asOfs, created,
        store.commits().lastSequence(store.versionDir(v.getName(), job.version())) + 1);
    pending.add(out);
    ViewComputation.Result r;
    try (ProgressReporter.Step step = progress.start("computing " + v.getName(), -1)) {
      r = new ViewComputation(job, config.repoDir(), spillDir.resolve(Long.toString(ProcessHandle.current().pid())),
          budget).run(asOfs, out, bad, step::advance);
    } finally {
      Folders.deleteTree(spillDir);
    }
    out.finish();
    return new ViewSummary(v.getName(), true, r.events(), r.entities(), out.rows(), out.snapshots(),
        r.spillPartitions(), bad.counts());
  }

  /**
   * A full disk named as such, with the folder being written (spill files and temp snapshots both live under
   * the view's folder); any other error as it is.
   */
  static IOException diskFull(IOException e, Path folder, boolean beforeCommit) {
    String cause = e.getMessage() == null ? e.toString() : e.getMessage();
    if (!cause.contains("No space left") && !cause.contains("ENOSPC")) {
      return e;
    }
    return new IOException("the disk holding " + folder + " is full (" + cause + ")"
        + (beforeCommit ? "; nothing was committed, the offline store is as it was" : "")
        + "; free space there and run again", e);
  }

  private Catalog loadCatalog() throws IOException {
    Registry registry = RegistryFile.read(config.registryPath()).orElseThrow(() -> new IOException(
        config.registryPath() + ": no registry yet; run `larder apply` first"));
    return Catalog.of(registry);
  }

  private static List<FeatureView> select(Catalog catalog, List<String> names) {
    List<FeatureView> out = new ArrayList<>();
    if (names == null || names.isEmpty()) {
      for (FeatureView v : catalog.views()) {
        if (!catalog.isPush(v)) { // a push view has no source files to compute from
          out.add(v);
        }
      }
      return out;
    }
    for (String n : new java.util.LinkedHashSet<>(names)) {
      FeatureView v = catalog.requireView(n);
      if (catalog.isPush(v)) {
        throw new IllegalArgumentException("feature view '" + n + "' is a push view: its rows are pushed"
            + " (PushFeatures, larder push), there is nothing to compute");
      }
      out.add(v);
    }
    return out;
  }

  private void report(Summary s) {
    report(log, s);
  }

  /** The summary lines of a compute run, as both engines print them. */
  static void report(PrintStream log, Summary s) {
    for (ViewSummary v : s.views()) {
      if (v.aggregation()) {
        log.printf(Locale.ROOT, "%s: %,d events, %,d entities, %,d rows in %d snapshot%s%s%n", v.view(), v.events(),
            v.entities(), v.rows(), v.snapshots(), v.snapshots() == 1 ? "" : "s",
            v.spillPartitions() > 0 ? " (spilled to " + v.spillPartitions() + " partitions)" : "");
      } else {
        log.printf(Locale.ROOT, "%s: passthrough source valid, %,d rows checked%n", v.view(), v.events());
      }
      if (!v.skipped().isEmpty()) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        v.skipped().entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        log.printf(Locale.ROOT, "%s: skipped bad rows: %s%n", v.view(), sorted);
      }
    }
    log.printf(Locale.ROOT, "computed %d view%s: %,d events read, %,d entities, %,d rows written, %d snapshot%s, "
            + "%.1f s, %,.0f events/s%n", s.views().size(), s.views().size() == 1 ? "" : "s", s.events(),
        s.entities(), s.rows(), s.snapshots(), s.snapshots() == 1 ? "" : "s", s.seconds(), s.eventsPerSecond());
  }

}
