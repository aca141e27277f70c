package dev.larder.storage;

import static dev.larder.storage.RemoteExample.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The running example with its sources on a real HDFS (MiniDFSCluster) equals the local-disk run row for row. */
class HdfsExampleTest {
  @TempDir static Path tmp;
  static Path local;

  @BeforeAll
  static void localRun() throws Exception {
    local = RemoteExample.local(tmp.resolve("local"));
    run(concat(new String[] {"compute", "--repo", local.toString()}, RemoteExample.COMPUTE));
    localCounts = RemoteExample.downstream(local, local.resolve("data/labels.parquet").toString(),
        local.resolve("training.parquet").toString());
  }

  static java.util.List<String> localCounts;

  @Test
  void theRunningExampleOnHdfsEqualsTheLocalRun() throws Exception {
    String base = Hdfs.uri() + "/shop";
    Path repo = RemoteExample.remote(local, tmp.resolve("hdfs"), base, Map.of());
    run(concat(new String[] {"compute", "--repo", repo.toString()}, RemoteExample.COMPUTE));
    assertThat(RemoteExample.offlineRows(repo)).hasSizeGreaterThan(100)
        .containsExactlyElementsOf(RemoteExample.offlineRows(local));

    java.util.List<String> counts = RemoteExample.downstream(repo, base + "/data/labels.parquet",
        base + "/out/training.parquet");
    assertThat(counts).hasSize(2).containsExactlyElementsOf(localCounts);
    Path fetched = java.nio.file.Files.createDirectories(tmp.resolve("fetched"));
    try (Storage storage = new Storage(StorageSettings.of(null, Map.of()))) {
      DataLocation out = DataLocation.parse(base + "/out/training.parquet", repo);
      Transfers.download(storage, out, fetched);
      // the upload left no temporary file beside the output
      assertThat(storage.fileSystem(out).listStatus(Storage.path(out).getParent())).hasSize(2);
    }
    assertThat(RemoteExample.rows(fetched.resolve("training.parquet"), "")).hasSize(2000)
        .containsExactlyElementsOf(RemoteExample.rows(local.resolve("training.parquet"), ""));
  }

  @Test
  void aMissingHdfsFolderIsAnErrorNamingTheUriAndCommitsNothing() throws Exception {
    String base = Hdfs.uri() + "/missing";
    Path repo = RemoteExample.remote(local, tmp.resolve("hdfs-missing"), base, Map.of());
    try (Storage storage = new Storage(StorageSettings.of(null, Map.of()))) {
      DataLocation events = DataLocation.parse(base + "/data/events", repo);
      storage.fileSystem(events).delete(Storage.path(events), true);
    }
    RemoteExample.Result r = RemoteExample.capture(concat(new String[] {"compute", "--repo", repo.toString()},
        RemoteExample.COMPUTE));
    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).contains("source 'user_events' matches no data files: path '" + base + "/data/events'"
        + " resolves to " + base + "/data/events");
    assertThat(RemoteExample.filesUnder(repo.resolve("data"), ".parquet")).isZero();
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
