package dev.larder.stats;

import dev.larder.disk.AtomicFile;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.TableFiles;
import dev.larder.disk.StorePaths;
import dev.larder.time.Timestamps;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import dev.larder.value.Values;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Feature statistics stored next to the offline store, as plain Parquet so that DuckDB or pandas can read
 * them: {@code <offline>/_stats/<view>/period=<start as ISO, ':' as '-'>.parquet}, one row per feature, with
 * the summary numbers as columns and the mergeable profile in the {@code sketch} column. A period's file is
 * replaced atomically (temp file, fsync, rename), so recomputing is idempotent and readers never see half a
 * file. The {@code _} prefix keeps the folder out of the way of view folders.
 */
public final class StatsStore {
  public static final String FOLDER = "_stats";
  /** Present in a view's folder once none of its periods is in the old sketch format. */
  static final String CURRENT_FORMAT_MARKER = ".sketch-format-2";
  static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
  static final int HISTOGRAM_BINS = 20;
  static final int TOP = 10;

  /** The columns of a statistics file. */
  public static final RowSchema SCHEMA = new RowSchema(List.of(
      new Column("view", ValueType.STRING), new Column("feature", ValueType.STRING),
      new Column("type", ValueType.STRING),
      new Column("period_start", ValueType.TIMESTAMP), new Column("period_end", ValueType.TIMESTAMP),
      new Column("rows", ValueType.INT64), new Column("nulls", ValueType.INT64),
      new Column("null_rate", ValueType.DOUBLE), new Column("distinct", ValueType.INT64),
      new Column("min", ValueType.DOUBLE), new Column("max", ValueType.DOUBLE),
      new Column("mean", ValueType.DOUBLE), new Column("stddev", ValueType.DOUBLE),
      new Column("p1", ValueType.DOUBLE), new Column("p5", ValueType.DOUBLE), new Column("p25", ValueType.DOUBLE),
      new Column("p50", ValueType.DOUBLE), new Column("p75", ValueType.DOUBLE), new Column("p95", ValueType.DOUBLE),
      new Column("p99", ValueType.DOUBLE),
      new Column("histogram_edges", ValueType.DOUBLE_LIST), new Column("histogram_counts", ValueType.INT64_LIST),
      new Column("top_values", ValueType.STRING_LIST), new Column("top_counts", ValueType.INT64_LIST),
      new Column("sketch", ValueType.BYTES), new Column("computed_at", ValueType.TIMESTAMP)));

  private final Path root;

  public StatsStore(Path offlineDir) {
    this.root = offlineDir.toAbsolutePath().normalize().resolve(FOLDER);
  }

  public Path root() {
    return root;
  }

  public Path file(String view, long periodStart) {
    return StorePaths.inside(root, view, "period=" + Timestamps.format(periodStart).replace(':', '-') + ".parquet");
  }

  /** Writes (or atomically replaces) the statistics of one period. */
  public void write(PeriodStats stats) throws IOException {
    Path target = file(stats.view(), stats.start());
    Path tmpDir = StorePaths.inside(root, stats.view(), "_tmp");
    Files.createDirectories(tmpDir);
    Path tmp = tmpDir.resolve(target.getFileName().toString().replace(".parquet", "") + "-" + UUID.randomUUID()
        + ".parquet");
    try {
      writeFile(tmp, List.of(stats));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      AtomicFile.syncDirectory(target.getParent());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Deletes the temp files of {@code view}; call only while holding the view's statistics lock. */
  void deleteTemps(String view) throws IOException {
    try (Stream<Path> files = Files.list(root.resolve(view).resolve("_tmp"))) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    } catch (NoSuchFileException e) {
      // nothing written yet
    }
  }

  /** Writes the given periods to one standalone file (replaced if it exists). */
  public static void writeFile(Path file, List<PeriodStats> periods) throws IOException {
    long now = Timestamps.toMicros(Instant.now());
    try (ParquetRowWriter w = new ParquetRowWriter(file, SCHEMA)) {
      for (PeriodStats p : periods) {
        for (FeatureStats f : p.features()) {
          w.write(row(p, f, now));
        }
      }
    }
  }

  private static Object[] row(PeriodStats p, FeatureStats f, long now) {
    FeatureProfile pr = f.profile();
    ValueHistogram h = pr.histogram(HISTOGRAM_BINS);
    List<TopValues.Entry> top = pr.topValues(TOP);
    Object[] row = new Object[SCHEMA.size()];
    int i = 0;
    row[i++] = p.view();
    row[i++] = f.feature();
    row[i++] = Values.typeName(f.type());
    row[i++] = p.start();
    row[i++] = p.end();
    row[i++] = pr.rows();
    row[i++] = pr.nulls();
    row[i++] = nullable(pr.nullRate());
    row[i++] = pr.distinct();
    row[i++] = nullable(pr.min());
    row[i++] = nullable(pr.max());
    row[i++] = nullable(pr.mean());
    row[i++] = nullable(pr.stddev());
    for (double q : QUANTILES) {
      row[i++] = nullable(pr.quantile(q));
    }
    row[i++] = Arrays.stream(h.edges()).boxed().toList();
    row[i++] = Arrays.stream(h.counts()).boxed().toList();
    row[i++] = top.stream().map(TopValues.Entry::value).toList();
    row[i++] = top.stream().map(TopValues.Entry::count).toList();
    row[i++] = pr.toBytes();
    row[i] = now;
    return row;
  }

  private static Double nullable(double d) {
    return Double.isNaN(d) ? null : d;
  }

  /**
   * Marks that no period of {@code view} is stored in the old sketch format any more, so that later runs
   * need not look (see {@link #legacyPeriods}).
   */
  void markCurrentFormat(String view) throws IOException {
    Path marker = root.resolve(view).resolve(CURRENT_FORMAT_MARKER);
    if (!Files.exists(marker)) {
      Files.createDirectories(marker.getParent());
      Files.writeString(marker, "every period of this view is stored with DataSketches sketches (profile format 2)\n");
    }
  }

  /**
   * Start times of the periods of {@code view} whose profiles are in the old format (Larder's own sketches,
   * before DataSketches); empty without reading anything once {@link #markCurrentFormat} was called.
   */
  List<Long> legacyPeriods(String view) throws IOException {
    if (Files.exists(root.resolve(view).resolve(CURRENT_FORMAT_MARKER))) {
      return List.of();
    }
    List<Long> out = new ArrayList<>();
    for (long start : periods(view)) {
      if (readFile(file(view, start)).stream().flatMap(p -> p.features().stream())
          .anyMatch(f -> f.profile().converted())) {
        out.add(start);
      }
    }
    return out;
  }

  /** Start times of the periods stored for {@code view}, oldest first. */
  public List<Long> periods(String view) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(root.resolve(view))) {
      for (Path f : files.toList()) {
        parseStart(f.getFileName().toString()).ifPresent(out::add);
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** The stored periods of {@code view} starting in {@code range}, oldest first. */
  public List<PeriodStats> read(String view, TimeRange range) throws IOException {
    List<PeriodStats> out = new ArrayList<>();
    for (long start : periods(view)) {
      if (range.contains(start)) {
        out.addAll(readFile(file(view, start)));
      }
    }
    return out;
  }

  /** Deletes the stored period of {@code view} starting at {@code start}; returns whether it existed. */
  public boolean delete(String view, long start) throws IOException {
    return Files.deleteIfExists(file(view, start));
  }

  /** Reads a statistics file (one period per distinct view and start, features in file order). */
  public static List<PeriodStats> readFile(Path file) throws IOException {
    List<PeriodStats> out = new ArrayList<>();
    try (RowReader r = TableFiles.open(file, List.of("view", "feature", "type", "period_start", "period_end",
        "sketch"))) {
      List<FeatureStats> features = new ArrayList<>();
      String view = null;
      long start = 0;
      long end = 0;
      for (Object[] row; (row = r.next()) != null; ) {
        if (row[0] == null || row[1] == null || row[2] == null || row[3] == null || row[4] == null
            || row[5] == null) {
          throw new IOException(r.position() + ": a statistics row needs view, feature, type, period and sketch");
        }
        if (view != null && (!view.equals(row[0]) || start != (Long) row[3])) {
          out.add(new PeriodStats(view, start, end, features));
          features = new ArrayList<>();
        }
        view = (String) row[0];
        start = (Long) row[3];
        end = (Long) row[4];
        ValueType type;
        try {
          type = ValueType.valueOf(((String) row[2]).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IOException(r.position() + ": column 'type' holds unknown type '" + row[2] + "'");
        }
        try {
          features.add(new FeatureStats((String) row[1], type, FeatureProfile.fromBytes((byte[]) row[5])));
        } catch (IOException e) {
          throw new IOException(r.position() + ": column 'sketch': " + e.getMessage(), e);
        }
      }
      if (view != null) {
        out.add(new PeriodStats(view, start, end, features));
      }
    }
    return out;
  }

  static Optional<Long> parseStart(String fileName) {
    if (!fileName.startsWith("period=") || !fileName.endsWith(".parquet")) {
      return Optional.empty();
    }
    String s = fileName.substring(7, fileName.length() - ".parquet".length());
    int t = s.indexOf('T');
    if (t < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Timestamps.toMicros(Instant.parse(s.substring(0, t) + s.substring(t).replace('-', ':'))));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
