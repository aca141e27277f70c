package dev.larder.offline;

import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.ValueType;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.StorePaths;
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
 * {@code <offline>/<view>/version=N/date=YYYY-MM-DD/asof=<T as ISO-8601, ':' replaced by '-'>.parquet}. Plain
 * Hive-style folders of standard Parquet, so that DuckDB, Spark and pandas read it without Larder; snapshots
 * appear and are replaced atomically (see {@link SnapshotWriter}).
 *
 * <p>The version folder records which definition (see {@code ViewFingerprint}) the values were computed for,
 * and readers take one version only, so history never mixes two meanings of a view. Stores written before
 * versions were recorded have {@code <view>/date=.../} folders without a version: such a snapshot belongs to
 * the view version that was current when the file was written (its modification time against the
 * registry's log; see {@link ViewVersions#versionAt}). A versioned snapshot wins over an unversioned one of
 * the same version and time.
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

  /** The folder of one version of a view. */
  public Path versionDir(String view, long version) {
    return viewDir(view).resolve(VERSION_PREFIX + version);
  }

  /** Where the snapshot of version {@code version} of {@code view} as of {@code asOf} lives. */
  public Path snapshotPath(String view, long version, long asOf) {
    return datedPath(versionDir(view, version), asOf);
  }

  private static Path datedPath(Path dir, long asOf) {
    Instant t = Timestamps.fromMicros(asOf);
    return dir.resolve("date=" + t.atOffset(ZoneOffset.UTC).toLocalDate())
        .resolve("asof=" + t.toString().replace(':', '-') + ".parquet");
  }

  /** The snapshots of the view's current version, oldest first. */
  public List<Snapshot> snapshots(Catalog catalog, String view) throws IOException {
    return snapshots(catalog, view, catalog.viewVersion(view));
  }

  /**
   * The snapshots of one version of a view, oldest first: those in its version folder, and unversioned ones
   * (written before versions were recorded) that the upgrade rule gives to this version.
   */
  public List<Snapshot> snapshots(Catalog catalog, String view, long version) throws IOException {
    Map<Long, Snapshot> byTime = new TreeMap<>();
    ViewVersions versions = catalog.versions(view);
    for (Snapshot s : listDated(view, viewDir(view))) {
      long written = Timestamps.toMicros(Files.getLastModifiedTime(s.file()).toInstant());
      if (versions.versionAt(catalog.registry(), written) == version) {
        byTime.put(s.asOf(), s);
      }
    }
    for (Snapshot s : snapshots(view, version)) {
      byTime.put(s.asOf(), s);
    }
    return List.copyOf(byTime.values());
  }

  /** The snapshots in the folder of one version of a view, oldest first (unversioned ones left out). */
  public List<Snapshot> snapshots(String view, long version) throws IOException {
    return listDated(view, versionDir(view, version));
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

  private static List<Snapshot> listDated(String view, Path dir) throws IOException {
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

  /** Deletes one snapshot (and its date folder when it becomes empty); returns whether it existed. */
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
    if (cleaned.add(view)) {
      deleteStaleTemps(view, Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
    }
    Path tmpDir = viewDir(view).resolve(TMP);
    Files.createDirectories(tmpDir);
    return new SnapshotWriter(tmpDir, snapshotPath(view, version, asOf), schema);
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
