package dev.larder.compute;

import dev.larder.offline.CommitLog;
import dev.larder.offline.Manifest;
import dev.larder.offline.OfflineStore;
import dev.larder.registry.Catalog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The publish phase of a compute run, after every view was computed: stage each snapshot under its unique
 * name, write each view's next manifest, then the run's commit marker, the one write that makes the whole
 * run visible (the protocol is described in {@link CommitLog}). A kill before the marker leaves every
 * reader on the previous run; a kill after it leaves only garbage that the view's next run removes.
 */
final class Publication {
  /** Commit markers no manifest names are removed once this old (see {@link CommitLog#collectMarkers}). */
  static final java.time.Duration MARKER_MIN_AGE = java.time.Duration.ofDays(1);

  private final OfflineStore store;
  private final Catalog catalog;
  private final String runId;
  private final PrintStream log;

  Publication(OfflineStore store, Catalog catalog, String runId, PrintStream log) {
    this.store = store;
    this.catalog = catalog;
    this.runId = runId;
    this.log = log;
  }

  void publish(List<SnapshotSet> sets, boolean allowEmpty) throws IOException {
    if (!allowEmpty) {
      for (SnapshotSet set : sets) {
        refuseEmptied(set, store.versionDir(set.view(), set.version()));
      }
    }
    int snapshots = sets.stream().mapToInt(SnapshotSet::snapshots).sum();
    log.printf("publishing run %s: %d snapshot%s of %d view%s%n", runId, snapshots, snapshots == 1 ? "" : "s",
        sets.size(), sets.size() == 1 ? "" : "s");
    log.flush();
    CommitLog commits = store.commits();
    Map<Path, Manifest> manifests = new LinkedHashMap<>();
    for (SnapshotSet set : sets) {
      set.commit();
    }
    for (SnapshotSet set : sets) {
      Path versionDir = store.versionDir(set.view(), set.version());
      Manifest next = next(set, versionDir);
      commits.writeManifest(versionDir, next);
      manifests.put(versionDir, next);
    }
    Map<String, Long> sequences = new LinkedHashMap<>();
    manifests.forEach((dir, m) -> sequences.put(m.view(), m.sequence()));
    commits.commit(runId, sequences);
    for (Map.Entry<Path, Manifest> unit : manifests.entrySet()) {
      Manifest m = unit.getValue();
      try {
        commits.collectGarbage(unit.getKey(), m);
      } catch (IOException e) {
        log.printf("warning: view '%s': could not remove superseded files (%s); its next run will%n", m.view(),
            e.getMessage());
      }
    }
    try {
      commits.collectMarkers(MARKER_MIN_AGE);
    } catch (IOException e) {
      log.printf("warning: could not remove old commit markers (%s); a later run will%n", e.getMessage());
    }
    log.printf("published run %s%n", runId);
  }

  /**
   * The view's manifest after this run: the committed snapshots (from its manifest, or the folder listing of
   * a store from before manifests) with this run's replacing those of the same times.
   */
  private Manifest next(SnapshotSet set, Path versionDir) throws IOException {
    Map<Long, Manifest.Entry> byTime = new TreeMap<>();
    for (Manifest.Entry e : store.entries(catalog, set.view(), set.version())) {
      byTime.put(e.asOf(), e);
    }
    for (Manifest.Entry e : set.entries(versionDir)) {
      byTime.put(e.asOf(), e);
    }
    List<Manifest.Entry> entries = new ArrayList<>(byTime.values());
    entries.sort(Comparator.comparingLong(Manifest.Entry::asOf));
    return new Manifest(OfflineStore.unit(set.view(), set.version()), set.sequence(), runId, entries);
  }

  /**
   * Fails, before anything is staged, when an empty snapshot of this run would replace a committed one that
   * has rows: that usually means a wrong or emptied source, and {@code --allow-empty} must say otherwise.
   */
  private void refuseEmptied(SnapshotSet set, Path viewDir) throws IOException {
    Map<Long, Manifest.Entry> committed = new TreeMap<>();
    for (Manifest.Entry e : store.entries(catalog, set.view(), set.version())) {
      committed.put(e.asOf(), e);
    }
    List<String> emptied = new ArrayList<>();
    for (Map.Entry<Long, Long> e : set.rowsByTime().entrySet()) {
      Manifest.Entry old = committed.get(e.getKey());
      long oldRows = old == null ? 0 : rows(viewDir, old);
      if (e.getValue() == 0 && oldRows > 0) {
        emptied.add(dev.larder.time.Timestamps.format(e.getKey()) + " (" + oldRows + " rows)");
      }
    }
    if (!emptied.isEmpty()) {
      throw new IOException("view '" + set.view() + "': this run found no rows for " + emptied.size()
          + " as-of time" + (emptied.size() == 1 ? "" : "s") + " whose current snapshot has rows: "
          + String.join(", ", emptied.subList(0, Math.min(5, emptied.size())))
          + (emptied.size() > 5 ? ", ..." : "") + "; nothing was committed. Check the view's source path, or"
          + " pass --allow-empty to replace them with empty snapshots");
    }
  }

  /** An entry's rows; -1 (a snapshot from before manifests) is read from the file's footer. */
  private static long rows(Path viewDir, Manifest.Entry e) throws IOException {
    return e.rows() >= 0 ? e.rows() : OfflineStore.rowCount(viewDir.resolve(e.file()).normalize());
  }
}
