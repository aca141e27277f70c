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
  }

  @Test
  void computeFromHdfsSourcesEqualsTheLocalRun() throws Exception {
    String base = Hdfs.uri() + "/shop";
    Path repo = RemoteExample.remote(local, tmp.resolve("hdfs"), base, Map.of());
    run(concat(new String[] {"compute", "--repo", repo.toString()}, RemoteExample.COMPUTE));
    assertThat(RemoteExample.offlineRows(repo)).hasSizeGreaterThan(100)
        .containsExactlyElementsOf(RemoteExample.offlineRows(local));
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
