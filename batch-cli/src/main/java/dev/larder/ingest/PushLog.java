package dev.larder.ingest;

import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.disk.AtomicFile;
import dev.larder.disk.Folders;
import dev.larder.lock.RepoLock;
import dev.larder.offline.CommitLog;
import dev.larder.offline.Manifest;
import dev.larder.offline.OfflineStore;
import dev.larder.offline.SnapshotWriter;
import dev.larder.online.EntityKeyCodec;
import dev.larder.online.FeatureRowCodec;
import dev.larder.online.FreshLayout;
import dev.larder.online.OnlineLayout;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Moves acknowledged pushes into the offline store exactly once: the offline history of a push view. The
 * server logs every pushed version under a sequence in its fresh layer ({@link FreshLayout}); this reads the
 * layer as a RocksDB secondary (the server keeps writing), writes the entries after the highest sequence the
 * offline store has committed into Parquet files (a new file every {@code maxFileRows} rows), and commits
 * them with the offline commit protocol ({@link CommitLog}): one manifest per view version and one marker.
 *
 * <p>Exactly once: the highest logged sequence is part of the committed run's name, so it is stored with the
 * data. A run killed before its marker leaves nothing visible and the next run logs the same entries again;
 * a run killed after it leaves them committed, and the next run starts after them. Only after the commit does
 * it tell the server ({@link FreshLayout#LOGGED}) that it may drop those log entries.
 *
 * <p>Each file is a snapshot entry of the view version's manifest whose as-of time is when it was logged, so
 * every row of a file was pushed before its as-of time; training sets read every file (see ViewHistory).
 */
public final class PushLog {
  private static final Pattern RUN = Pattern.compile("push-.*-s(\\d+)");

  /** What one view version logged. */
  public record Logged(String view, long version, long rows, int files, long throughSequence) {}

  private PushLog() {}

  /** Logs every push view version that has a fresh layer. */
  public static List<Logged> logAll(ProjectConfig config, Catalog catalog, long maxFileRows) throws IOException {
    List<Logged> out = new ArrayList<>();
    for (FeatureView v : catalog.views()) {
      if (!catalog.isPush(v)) {
        continue;
      }
      for (long version : OnlineLayout.versions(config.onlineDir(), v.getName())) {
        Path versionDir = OnlineLayout.versionDir(config.onlineDir(), v.getName(), version);
        if (Files.isDirectory(FreshLayout.freshDir(versionDir))) {
          Catalog asOfVersion = version == catalog.viewVersion(v.getName()) ? catalog : catalog.pinned(v.getName(), version);
          out.add(log(config, asOfVersion, v.getName(), version, maxFileRows));
        }
      }
    }
    return out;
  }

  /** The highest sequence committed for a view version: in its newest committed manifest's run name. */
  static long committedThrough(OfflineStore store, String view, long version) throws IOException {
    Optional<Manifest> m = store.commits().committed(store.versionDir(view, version));
    if (m.isEmpty()) {
      return 0;
    }
    Matcher match = RUN.matcher(m.get().run());
    return match.matches() ? Long.parseLong(match.group(1)) : 0;
  }

  static Logged log(ProjectConfig config, Catalog catalog, String viewName, long version, long maxFileRows)
      throws IOException {
    FeatureView view = catalog.requireView(viewName);
    OfflineStore store = OfflineStore.of(config);
    Path onlineVersion = OnlineLayout.versionDir(config.onlineDir(), viewName, version);
    try (RepoLock lock = RepoLock.acquire(store.viewDir(viewName).resolve(".lock"), "push-log of view '" + viewName + "'")) {
      long from = committedThrough(store, viewName, version);
      EntityKeyCodec keys = new EntityKeyCodec(catalog.joinKeys(view));
      FeatureRowCodec rows = new FeatureRowCodec(view.getFeaturesList().stream().map(Feature::getType).toList());
      RowSchema schema = OfflineStore.snapshotSchema(catalog, view);
      Path versionDir = store.versionDir(viewName, version);
      CommitLog commits = store.commits();
      long sequence = commits.lastSequence(versionDir) + 1;
      Map<Long, Manifest.Entry> entries = new TreeMap<>();
      for (Manifest.Entry e : store.entries(catalog, viewName, version)) {
        entries.put(e.asOf(), e);
      }
      long asOf = Math.max(Timestamps.toMicros(Instant.now()), entries.isEmpty() ? Long.MIN_VALUE
          : ((TreeMap<Long, Manifest.Entry>) entries).lastKey() + 1);
      long through = from;
      long total = 0;
      int files = 0;
      List<SnapshotWriter> staged = new ArrayList<>();
      Path secondary = Files.createTempDirectory("larder-push-log-");
      try (Options options = new Options();
           RocksDB db = openSecondary(options, FreshLayout.freshDir(onlineVersion), secondary);
           ReadOptions ro = new ReadOptions().setTotalOrderSeek(true);
           RocksIterator it = db.newIterator(ro)) {
        it.seek(FreshLayout.logKey(from + 1));
        SnapshotWriter w = null;
        for (; it.isValid() && FreshLayout.isLogKey(it.key()); it.next()) {
          long seq = FreshLayout.logSequence(it.key());
          byte[][] kv = FreshLayout.splitLogValue(it.value());
          if (w == null || w.rows() >= maxFileRows) {
            if (w != null) {
              w.commit(); // staged under its run-unique name; visible only with the marker below
            }
            w = store.writer(viewName, version, asOf + files, schema, sequence);
            staged.add(w);
            files++;
          }
          w.write(row(schema, keys.decode(FreshLayout.entityKey(kv[0])), kv[1], rows));
          through = seq;
          total++;
        }
        if (w != null) {
          w.commit();
        }
        if (total == 0) {
          return new Logged(viewName, version, 0, 0, from);
        }
        for (int i = 0; i < staged.size(); i++) {
          Path f = staged.get(i).target();
          entries.put(asOf + i, new Manifest.Entry(asOf + i, versionDir.relativize(f).toString().replace('\\', '/'),
              Files.size(f), staged.get(i).rows()));
        }
        List<Manifest.Entry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparingLong(Manifest.Entry::asOf));
        String run = "push-" + Timestamps.format(asOf).replace(':', '-') + "-pid" + ProcessHandle.current().pid()
            + "-s" + through;
        Manifest next = new Manifest(OfflineStore.unit(viewName, version), sequence, run, list);
        commits.writeManifest(versionDir, next);
        commits.commit(run, Map.of(next.view(), sequence)); // the commit point: rows and sequence together
        commits.collectGarbage(versionDir, next);
      } finally {
        for (SnapshotWriter s : staged) {
          s.close();
        }
        Folders.deleteTree(secondary);
      }
      // Only now may the server drop the log entries: they are committed offline.
      AtomicFile.write(FreshLayout.loggedFile(onlineVersion), (through + "\n").getBytes(StandardCharsets.UTF_8));
      return new Logged(viewName, version, total, files, through);
    }
  }

  private static Object[] row(RowSchema schema, Object[] keyValues, byte[] row, FeatureRowCodec rows) {
    Object[] out = new Object[schema.size()];
    System.arraycopy(keyValues, 0, out, 0, keyValues.length);
    out[keyValues.length] = FeatureRowCodec.eventTimestamp(row);
    long created = FeatureRowCodec.createdTimestamp(row);
    out[keyValues.length + 1] = created == FeatureRowCodec.NO_CREATED_TIMESTAMP ? null : created;
    Object[] features = rows.decodeJava(row);
    System.arraycopy(features, 0, out, keyValues.length + 2, features.length);
    return out;
  }

  private static RocksDB openSecondary(Options options, Path primary, Path secondary) throws IOException {
    RocksDB.loadLibrary();
    options.setMaxOpenFiles(-1); // a secondary must keep every table file open (RocksDB's rule)
    try {
      RocksDB db = RocksDB.openAsSecondary(options, primary.toString(), secondary.toString());
      db.tryCatchUpWithPrimary();
      return db;
    } catch (RocksDBException e) {
      throw new IOException("cannot read the fresh layer " + primary + ": " + e.getMessage(), e);
    }
  }
}
