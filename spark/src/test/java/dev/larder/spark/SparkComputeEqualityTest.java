package dev.larder.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.compute.BadRowPolicy;
import dev.larder.compute.Compute;
import dev.larder.core.v1.Registry;
import dev.larder.offline.OfflineStore;
import dev.larder.offline.TableFiles;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.value.RowReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared compute vectors through both engines: the snapshots Spark commits must equal the embedded engine's
 * row for row (every column but the run's created timestamp), in the same files, with the same schema and the
 * same counts of events, entities and skipped rows.
 */
class SparkComputeEqualityTest {
  @TempDir
  Path embeddedDir;

  @TempDir
  Path sparkDir;

  @Test
  void sparkSnapshotsEqualTheEmbeddedEngines() throws IOException {
    ProjectConfig embedded = Vectors.repo("compute", embeddedDir);
    ProjectConfig spark = Vectors.repo("compute", sparkDir);
    long[] asOfs = Vectors.asOfs("compute");
    Compute.Request request = new Compute.Request(List.of(), asOfs, BadRowPolicy.SKIP);

    Compute.Summary a = new Compute(embedded, quiet()).run(request);
    Compute.Summary b = new SparkCompute(LocalSpark.session(), 3).run(spark, request, quiet());

    assertThat(b.views()).hasSameSizeAs(a.views());
    for (int i = 0; i < a.views().size(); i++) {
      Compute.ViewSummary x = a.views().get(i);
      Compute.ViewSummary y = b.views().get(i);
      assertThat(y.view()).isEqualTo(x.view());
      assertThat(y.events()).as("events of " + x.view()).isEqualTo(x.events());
      assertThat(y.entities()).as("entities of " + x.view()).isEqualTo(x.entities());
      assertThat(y.rows()).as("rows of " + x.view()).isEqualTo(x.rows());
      assertThat(y.snapshots()).isEqualTo(x.snapshots());
      assertThat(y.skipped()).as("skipped rows of " + x.view()).isEqualTo(x.skipped());
    }
    assertThat(a.skipped()).as("the vectors' bad rows").isEqualTo(2);
    assertThat(a.rows()).isGreaterThan(300);

    Map<String, List<String>> left = snapshots(embedded);
    Map<String, List<String>> right = snapshots(spark);
    assertThat(right.keySet()).as("committed snapshot files").isEqualTo(left.keySet());
    left.forEach((file, rows) -> assertThat(right.get(file)).as(file).containsExactlyElementsOf(rows));
  }

  /**
   * The same vectors with the events as Parquet files: the embedded engine reads Parquet with its columnar
   * reader, Spark's tasks with the row reader of one file; both must still agree.
   */
  @Test
  void parquetSourcesGiveEqualSnapshotsToo() throws IOException {
    ProjectConfig embedded = toParquet(Vectors.repo("compute", embeddedDir));
    ProjectConfig spark = toParquet(Vectors.repo("compute", sparkDir));
    Compute.Request request = new Compute.Request(List.of("user_activity"), Vectors.asOfs("compute"),
        BadRowPolicy.SKIP);
    Compute.Summary a = new Compute(embedded, quiet()).run(request);
    Compute.Summary b = new SparkCompute(LocalSpark.session(), 2).run(spark, request, quiet());
    assertThat(b.rows()).isEqualTo(a.rows()).isGreaterThan(200);
    assertThat(b.skipped()).isEqualTo(a.skipped()).isEqualTo(2);
    Map<String, List<String>> left = snapshots(embedded);
    Map<String, List<String>> right = snapshots(spark);
    assertThat(right.keySet()).isEqualTo(left.keySet());
    left.forEach((file, rows) -> assertThat(right.get(file)).as(file).containsExactlyElementsOf(rows));
  }

  /** Rewrites the events source's CSV files as Parquet (declared types, same rows and order). */
  private static ProjectConfig toParquet(ProjectConfig config) throws IOException {
    Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow());
    dev.larder.core.v1.Source events = catalog.source("events").orElseThrow();
    int files = dev.larder.offline.SourceReaders.fileCount(events, config.repoDir());
    for (int f = 0; f < files; f++) {
      Path out = config.repoDir().resolve("data/events-parquet/part-" + f + ".parquet");
      Files.createDirectories(out.getParent());
      try (RowReader in = dev.larder.offline.SourceReaders.open(events, config.repoDir(), null, f);
           dev.larder.offline.ParquetRowWriter w = new dev.larder.offline.ParquetRowWriter(out, in.schema())) {
        for (Object[] row; (row = in.next()) != null; ) {
          w.write(row);
        }
      }
    }
    Registry changed = catalog.registry().toBuilder()
        .setSources(0, events.toBuilder().setPath("data/events-parquet").clearFormat().build()).build();
    assertThat(changed.getSources(0).getName()).isEqualTo("events");
    RegistryFile.write(config.registryPath(), changed);
    return config;
  }

  @Test
  void aBadRowFailsBothEnginesWithTheSameMessageAndCommitsNothing() throws IOException {
    ProjectConfig embedded = Vectors.repo("compute", embeddedDir);
    ProjectConfig spark = Vectors.repo("compute", sparkDir);
    Compute.Request request = new Compute.Request(List.of("user_activity"), Vectors.asOfs("compute"),
        BadRowPolicy.FAIL);

    Throwable a = catchIo(() -> new Compute(embedded, quiet()).run(request));
    assertThatThrownBy(() -> new SparkCompute(LocalSpark.session(), 3).run(spark, request, quiet()))
        .isInstanceOf(IOException.class)
        .hasMessage(a.getMessage());
    assertThat(a.getMessage()).contains("part-1.csv line").contains("join key is null");
    assertThat(snapshots(spark)).isEmpty();
  }

  private static Throwable catchIo(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      return e;
    }
    throw new AssertionError("expected the run to fail");
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /**
   * Every committed snapshot (path relative to the offline store, schema first), its rows sorted, each row
   * rendered without the created timestamp (the run's own time).
   */
  static Map<String, List<String>> snapshots(ProjectConfig config) throws IOException {
    Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElse(Registry.getDefaultInstance()));
    OfflineStore store = OfflineStore.of(config);
    Map<String, List<String>> out = new TreeMap<>();
    for (var view : catalog.views()) {
      if (!Catalog.isAggregation(view) || !Files.isDirectory(store.viewDir(view.getName()))) {
        continue;
      }
      for (OfflineStore.Snapshot s : store.snapshots(catalog, view.getName())) {
        List<String> rows = new ArrayList<>();
        String schema;
        try (RowReader r = TableFiles.open(s.file(), null)) {
          schema = r.schema().toString();
          int created = r.schema().indexOf(OfflineStore.CREATED_TIMESTAMP);
          for (Object[] row; (row = r.next()) != null; ) {
            Object[] shown = row.clone();
            shown[created] = null;
            rows.add(Arrays.deepToString(shown));
          }
        }
        rows.sort(null);
        rows.add(0, "schema " + schema);
        out.put(store.root().relativize(s.file()).toString(), rows);
      }
    }
    return out;
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream());
  }

  static long count(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.count();
    }
  }
}
