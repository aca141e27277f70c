package dev.larder.online;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the online store: the runs currently published for every view version, opened
 * read-only and swapped in when a materialization flips a view's CURRENT pointer. It exists so that the
 * server reads a consistent, immutable snapshot per view while batch runs publish new ones beside it.
 *
 * <p>Thread-safety: {@link #acquire} and handles are safe from any number of threads; {@link #refresh} may
 * run concurrently with them (calls to refresh are serialized).
 */
public final class OnlineStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnlineStore.class);

  static {
    RocksDB.loadLibrary();
  }

  private final Path onlineDir;
  private final OnlineOptions options;
  private final Cache cache;
  private final Map<ViewVersion, ServedRun> served = new ConcurrentHashMap<>();
  /** Runs that failed to open, so that a broken run is logged once rather than on every refresh. */
  private final Map<ViewVersion, Long> failed = new HashMap<>();
  private boolean closed;

  /** A view at one definition version. */
  public record ViewVersion(String view, long version) {}

  /** What is served for one view version. */
  public record ServedInfo(String view, long viewVersion, long runId, Path runDir) {}

  private OnlineStore(Path onlineDir, OnlineOptions options) {
    this.onlineDir = onlineDir;
    this.options = options;
    this.cache = options.blockCacheBytes() > 0 ? new LRUCache(options.blockCacheBytes()) : null;
  }

  /** Opens the current run of every view version found under {@code onlineDir} (which may not exist yet). */
  public static OnlineStore openForReading(Path onlineDir, OnlineOptions options) throws IOException {
    OnlineStore store = new OnlineStore(onlineDir, options);
    try {
      store.refresh();
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * Re-reads every view's CURRENT pointer; opens new runs read-only and swaps them in atomically; returns
   * the views whose served run changed. A run that cannot be opened is logged once and the previous run
   * stays served. Safe to call from a timer thread concurrently with reads.
   */
  /** Served view versions whose CURRENT went missing (warned once each). */
  private final Set<ViewVersion> missingCurrent = new java.util.HashSet<>();

  public synchronized Set<String> refresh() throws IOException {
    if (closed) {
      throw new IllegalStateException("online store is closed");
    }
    Set<String> changed = new TreeSet<>();
    Map<ViewVersion, Long> current = new HashMap<>();
    for (String view : OnlineLayout.views(onlineDir)) {
      for (long version : OnlineLayout.versions(onlineDir, view)) {
        Path versionDir = OnlineLayout.versionDir(onlineDir, view, version);
        try {
          OptionalLong run = OnlineLayout.readCurrent(versionDir);
          ViewVersion vv = new ViewVersion(view, version);
          ServedRun keep = served.get(vv);
          if (run.isPresent()) {
            current.put(vv, run.getAsLong());
            missingCurrent.remove(vv);
          } else if (keep != null) {
            // CURRENT deleted under a served version (by hand, or a broken copy): keep serving what it named,
            // as for an unreadable CURRENT; the next materialization writes a new one.
            if (missingCurrent.add(vv)) {
              LOG.warn("online store: {} is missing; keeping the served run {} of view '{}' v{}",
                  versionDir.resolve(OnlineLayout.CURRENT), keep.runId(), view, version);
            }
            current.put(vv, keep.runId());
          }
        } catch (IOException e) {
          LOG.warn("online store: {}; keeping the served run of view '{}' v{}", e.getMessage(), view, version);
          ServedRun keep = served.get(new ViewVersion(view, version));
          if (keep != null) {
            current.put(new ViewVersion(view, version), keep.runId());
          }
        }
      }
    }
    for (Map.Entry<ViewVersion, Long> e : current.entrySet()) {
      ViewVersion vv = e.getKey();
      long runId = e.getValue();
      ServedRun old = served.get(vv);
      if ((old != null && old.runId() == runId) || Long.valueOf(runId).equals(failed.get(vv))) {
        continue;
      }
      Path runDir = OnlineLayout.runDir(OnlineLayout.versionDir(onlineDir, vv.view(), vv.version()), runId);
      ServedRun fresh;
      try {
        fresh = ServedRun.open(runDir, runId, options, cache);
      } catch (IOException | RuntimeException ex) {
        failed.put(vv, runId);
        LOG.warn("online store: {}; still serving {}", ex.getMessage(),
            old == null ? "nothing for view '" + vv.view() + "' v" + vv.version() : "run " + old.runId());
        continue;
      }
      failed.remove(vv);
      served.put(vv, fresh);
      if (old != null) {
        old.release();
      }
      changed.add(vv.view());
    }
    for (ViewVersion vv : new ArrayList<>(served.keySet())) {
      if (!current.containsKey(vv)) {
        ServedRun gone = served.remove(vv);
        gone.release();
        changed.add(vv.view());
      }
    }
    return changed;
  }

  /** The run currently served for view+viewVersion, ref-counted (must be closed), or null if nothing was materialized. */
  public ViewData acquire(String view, long viewVersion) {
    ViewVersion vv = new ViewVersion(view, viewVersion);
    while (true) {
      ServedRun run = served.get(vv);
      if (run == null) {
        return null;
      }
      if (run.retain()) {
        return run.lease();
      }
      // Swapped out and closed between the lookup and retain(); the map already holds its successor.
    }
  }

  /** The served runs, sorted by view and version; for stats and health checks. */
  public List<ServedInfo> served() {
    List<ServedInfo> out = new ArrayList<>();
    served.forEach((vv, run) -> out.add(new ServedInfo(vv.view(), vv.version(), run.runId(), run.dir())));
    out.sort(java.util.Comparator.comparing(ServedInfo::view).thenComparingLong(ServedInfo::viewVersion));
    return out;
  }

  /** RocksDB's estimate of the number of entities in the served run, or -1 when nothing is served. */
  public long estimatedEntities(String view, long viewVersion) throws IOException {
    ServedRun run = served.get(new ViewVersion(view, viewVersion));
    if (run == null || !run.retain()) {
      return -1;
    }
    try {
      return run.estimatedKeys();
    } finally {
      run.release();
    }
  }

  public Path onlineDir() {
    return onlineDir;
  }

  /** Releases the store's references; runs still held by readers close when their handles close. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ViewVersion vv : new ArrayList<>(served.keySet())) {
      served.remove(vv).release();
    }
    if (cache != null) {
      cache.close();
    }
  }
}
