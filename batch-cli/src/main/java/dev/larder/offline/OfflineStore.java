package dev.larder.offline;

import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.ValueType;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.disk.StorePaths;
import dev.larder.registry.ViewVersions;
import dev.larder.time.Timestamps;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Parquet offline store: one snapshot file per aggregation view, view version N and as-of time T at
 * {@code <offline>/<view>/version=N/date=YYYY-MM-DD/asof=<T as ISO-8601, ':' replaced by '-'>.c<run>.parquet}.
 * Plain Hive-style folders of standard Parquet, so that DuckDB, Spark and pandas read it without Larder.
 *
 * <p>Each version folder is one unit of the commit protocol ({@link CommitLog}): its committed manifest names
 * its snapshots, so a compute run becomes visible all at once, and readers take one version only, so history
 * never mixes two meanings of a view (see {@code ViewFingerprint}).
 *
 * <p>Stores written before either existed have {@code <view>/date=.../asof=<T>.parquet} files: such a snapshot
 * belongs to the view version that was current when the file was written (its modification time against the
 * registry's log; see {@link ViewVersions#versionAt}) until that version's first committed manifest, which
 * names the old files it keeps.
 */
public final class OfflineStore {
  /** Folder under a view's folder holding snapshots being written; ignored by readers ('_' prefix). */
  public static final String TMP = "_tmp";
  /** Name prefix of a version folder: {@code version=N}, a Hive-style partition column for other tools. */
  public static final String VERSION_PREFIX = "version=";
  public static final String EVENT_TIMESTAMP = "event_timestamp";
  public static final String CREATED_TIMESTAMP = "created_timestamp";

  private final Path root;
  private final Set<String> cleaned = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public OfflineStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public static OfflineStore of(ProjectConfig config) {
    return new OfflineStore(config.offlineDir());
  }

  public Path root() {
    return root;
  }

  /** One snapshot file of a view: the as-of time (micros UTC) all its rows describe. */
  public record Snapshot(String view, long asOf, Path file) {}

  /**
   * The columns of a view's snapshots (and of {@link ViewHistory} rows): join keys, {@code event_timestamp},
   * {@code created_timestamp}, then the features in view order.
   */
  public static RowSchema snapshotSchema(Catalog catalog, FeatureView view) {
    List<Column> cols = new ArrayList<>();
    for (Field k : catalog.joinKeys(view)) {
      cols.add(new Column(k.getName(), k.getType()));
    }
    cols.add(new Column(EVENT_TIMESTAMP, ValueType.TIMESTAMP));
    cols.add(new Column(CREATED_TIMESTAMP, ValueType.TIMESTAMP));
    for (Feature f : view.getFeaturesList()) {
      cols.add(new Column(f.getName(), f.getType()));
    }
    return new RowSchema(cols);
  }

  public Path viewDir(String view) {
    if (view.isEmpty() || view.contains("/") || view.startsWith(".") || view.startsWith("_")) {
      throw new IllegalArgumentException("'" + view + "' cannot be a view folder name");
    }
    return StorePaths.inside(root, view);
  }

  /** The folder of one version of a view: one unit of the commit protocol. */
  public Path versionDir(String view, long version) {
    return viewDir(view).resolve(VERSION_PREFIX + version);
  }

  /** The name of one version of a view in manifests and commit markers: {@code view@N}. */
  public static String unit(String view, long version) {
    return view + "@" + version;
  }

  /** Where a snapshot of a version of a view is named without a run ({@code asof=<T>.parquet}). */
  public Path snapshotPath(String view, long version, long asOf) {
    return stagedPath(view, version, asOf, 0);
  }

  /**
   * Where the run with manifest sequence {@code sequence} writes the snapshot of a version of a view as of
   * {@code asOf}: {@code version=N/date=<day>/asof=<T>.c<sequence>.parquet}, a name no other run uses (0 gives
   * {@code asof=<T>.parquet}).
   */
  public Path stagedPath(String view, long version, long asOf, long sequence) {
    Instant t = Timestamps.fromMicros(asOf);
    return versionDir(view, version).resolve("date=" + t.atOffset(ZoneOffset.UTC).toLocalDate())
        .resolve("asof=" + t.toString().replace(':', '-') + (sequence > 0 ? ".c" + sequence : "") + ".parquet");
  }

  public CommitLog commits() {
    return new CommitLog(root);
  }

  /** The committed snapshots of the view's current version, oldest first. */
  public List<Snapshot> snapshots(Catalog catalog, String view) throws IOException {
    return snapshots(catalog, view, catalog.viewVersion(view));
  }

  /**
   * The committed snapshots of one version of a view, oldest first: those its newest committed manifest names,
   * or, for a version without a manifest yet, the files of stores from before manifests and versions.
   *
   * @throws IOException when a manifest is corrupt, or a file it names is missing or has another size
   */
  public List<Snapshot> snapshots(Catalog catalog, String view, long version) throws IOException {
    Path dir = versionDir(view, version);
    List<Snapshot> out = new ArrayList<>();
    for (Manifest.Entry e : entries(catalog, view, version)) {
      out.add(new Snapshot(view, e.asOf(), dir.resolve(e.file()).normalize()));
    }
    return out;
  }

  /** The committed snapshots of one version of a view, leaving out files from before versions. */
  public List<Snapshot> snapshots(String view, long version) throws IOException {
    return snapshots(null, view, version);
  }

  /**
   * The committed snapshots of one version as manifest entries (files relative to the version folder), oldest
   * first; for a version without a manifest, from the folder listings with rows unknown (-1): its own folder,
   * and, when {@code catalog} is given, the unversioned files the upgrade rule gives to this version. Entries
   * whose whole {@code date=} folder was deleted (retention, see docs/operations.md) are left out; a missing
   * file in a folder that exists, or a file whose size differs from the manifest's, is an error.
   */
  public List<Manifest.Entry> entries(Catalog catalog, String view, long version) throws IOException {
    Path dir = versionDir(view, version);
    Optional<Manifest> manifest = commits().committed(dir);
    if (manifest.isEmpty()) {
      Map<Long, Snapshot> byTime = new TreeMap<>();
      if (catalog != null) {
        ViewVersions versions = catalog.versions(view);
        for (Snapshot s : legacySnapshots(view, viewDir(view))) {
          long written = Timestamps.toMicros(Files.getLastModifiedTime(s.file()).toInstant());
          if (versions.versionAt(catalog.registry(), written) == version) {
            byTime.put(s.asOf(), s);
          }
        }
      }
      for (Snapshot s : legacySnapshots(view, dir)) {
        byTime.put(s.asOf(), s);
      }
      List<Manifest.Entry> out = new ArrayList<>();
      for (Snapshot s : byTime.values()) {
        out.add(new Manifest.Entry(s.asOf(), dir.relativize(s.file()).toString().replace('\\', '/'),
            Files.size(s.file()), -1));
      }
      return out;
    }
    Manifest m = manifest.get();
    List<Manifest.Entry> out = new ArrayList<>();
    for (Manifest.Entry e : m.snapshots()) {
      Path f = dir.resolve(e.file()).normalize();
      long size;
      try {
        size = Files.size(f);
      } catch (NoSuchFileException ex) {
        if (!Files.isDirectory(f.getParent())) {
          continue; // its date folder was deleted for retention
        }
        throw new IOException(f + ": named by the committed manifest " + CommitLog.manifestPath(dir, m.sequence())
            + " but missing (replaced by a newer compute run while this command ran? run it again)");
      }
      if (size != e.bytes()) {
        throw new IOException(f + ": " + size + " bytes, but the committed manifest "
            + CommitLog.manifestPath(dir, m.sequence()) + " says " + e.bytes() + " (the file was changed)");
      }
      out.add(e);
    }
    out.sort(Comparator.comparingLong(Manifest.Entry::asOf));
    return out;
  }

  /** Snapshots of a view written before manifests, from a folder listing. */
  private List<Snapshot> legacySnapshots(String view, Path dir) throws IOException {
    List<Snapshot> out = new ArrayList<>();
    try (Stream<Path> dates = Files.list(dir)) {
      for (Path date : dates.filter(p -> p.getFileName().toString().startsWith("date=")).toList()) {
        try (Stream<Path> files = Files.list(date)) {
          for (Path f : files.toList()) {
            parseAsOf(f.getFileName().toString()).ifPresent(t -> out.add(new Snapshot(view, t, f)));
          }
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    out.sort(Comparator.comparingLong(Snapshot::asOf));
    return out;
  }

  /** The rows of a Parquet file according to its footer. */
  public static long rowCount(Path file) throws IOException {
    try (var reader = ParquetFileRows.openReader(file, file.toString())) {
      return reader.getRecordCount();
    }
  }

  /** The committed snapshot of a version of a view as of {@code asOf}, if any. */
  public Optional<Snapshot> snapshot(String view, long version, long asOf) throws IOException {
    return snapshots(view, version).stream().filter(s -> s.asOf() == asOf).findFirst();
  }

  /** Versions that have a folder under the view, ascending. */
  public List<Long> versionsWithFolders(String view) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(viewDir(view))) {
      for (Path p : dirs.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(VERSION_PREFIX) && name.substring(VERSION_PREFIX.length()).matches("[0-9]{1,18}")) {
          out.add(Long.parseLong(name.substring(VERSION_PREFIX.length())));
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    }
    out.sort(null);
    return out;
  }

  /** Deletes one unnamed snapshot (and its date folder when it becomes empty); returns whether it existed. */
  public boolean delete(String view, long version, long asOf) throws IOException {
    Path p = snapshotPath(view, version, asOf);
    boolean existed = Files.deleteIfExists(p);
    try (Stream<Path> rest = Files.list(p.getParent())) {
      if (rest.findAny().isEmpty()) {
        Files.deleteIfExists(p.getParent());
      }
    } catch (NoSuchFileException | java.nio.file.DirectoryNotEmptyException e) {
      // gone already, or a concurrent writer added a file: keep the folder
    }
    return existed;
  }

  /**
   * Starts writing the snapshot of {@code view} as of {@code asOf}. Nothing is visible until
   * {@link SnapshotWriter#commit()}; an existing snapshot for the same time is then replaced atomically.
   * The first writer for a view in this process deletes temp files left by runs killed earlier.
   */
  public SnapshotWriter writer(String view, long version, long asOf, RowSchema schema) throws IOException {
    return writer(view, version, asOf, schema, 0);
  }

  /**
   * Starts writing the snapshot of {@code view} as of {@code asOf} for the run whose manifest will have
   * {@code sequence}: {@link SnapshotWriter#commit()} then only stages it under its unique name, and it
   * becomes visible when the run commits (see {@link CommitLog}).
   */
  public SnapshotWriter writer(String view, long version, long asOf, RowSchema schema, long sequence)
      throws IOException {
    if (cleaned.add(view)) {
      deleteStaleTemps(view, Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
    }
    Path tmpDir = viewDir(view).resolve(TMP);
    Files.createDirectories(tmpDir);
    return new SnapshotWriter(tmpDir, stagedPath(view, version, asOf, sequence), schema);
  }

  /** Deletes temp files of {@code view} last modified before {@code runStart} (left by killed runs); returns how many. */
  public int deleteStaleTemps(String view, Instant runStart) throws IOException {
    Path tmpDir = viewDir(view).resolve(TMP);
    int n = 0;
    try (Stream<Path> files = Files.list(tmpDir)) {
      for (Path f : files.toList()) {
        if (Files.getLastModifiedTime(f).toInstant().isBefore(runStart) && Files.deleteIfExists(f)) {
          n++;
        }
      }
    } catch (NoSuchFileException e) {
      return 0;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return n;
  }

  /** The as-of time encoded in a snapshot file name, or empty if the name is not a snapshot's. */
  static Optional<Long> parseAsOf(String fileName) {
    if (!fileName.startsWith("asof=") || !fileName.endsWith(".parquet")) {
      return Optional.empty();
    }
    String s = fileName.substring(5, fileName.length() - ".parquet".length());
    int t = s.indexOf('T');
    if (t < 0) {
      return Optional.empty();
    }
    String iso = s.substring(0, t) + s.substring(t).replace('-', ':');
    try {
      return Optional.of(Timestamps.toMicros(Instant.parse(iso)));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
