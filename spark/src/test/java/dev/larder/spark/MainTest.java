package dev.larder.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.offline.OfflineStore;
import dev.larder.registry.ProjectConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark application's command line: the flags of {@code larder compute} and {@code larder training-set},
 * and {@code larder}'s exit codes. Runs in this JVM on the shared local session (getOrCreate returns it).
 */
class MainTest {
  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    LocalSpark.session();
  }

  @Test
  void computeThenTrainingSetWithTheCliFlags() throws IOException {
    ProjectConfig config = Vectors.repo("compute", dir);
    int code = Main.run("compute", "--repo", dir.toString(), "--start", "2026-01-05", "--end", "2026-01-07",
        "--step", "1d", "--on-bad-row", "skip", "--partitions", "2");
    assertThat(code).isZero();
    OfflineStore store = OfflineStore.of(config);
    assertThat(store.snapshots("user_activity", 1)).hasSize(3);
    assertThat(store.snapshots("store_sales", 1)).hasSize(3);

    Files.writeString(dir.resolve("labels.csv"), "user_id,event_timestamp,label\nedge,2026-01-07T00:00:00Z,1\n");
    code = Main.run("training-set", "--repo", dir.toString(), "--entities", dir.resolve("labels.csv").toString(),
        "--features", "user_activity:events_1d", "--out", dir.resolve("out.csv").toString());
    assertThat(code).isZero();
    assertThat(Files.readString(dir.resolve("out.csv"))).contains("edge,");
  }

  @Test
  void badUsageAndBadRowsGiveLardersExitCodes() throws IOException {
    Vectors.repo("compute", dir);
    assertThat(Main.run("compute", "--repo", dir.toString())).as("no as-of times").isEqualTo(Main.USAGE);
    assertThat(Main.run("compute", "--repo", dir.toString(), "--as-of", "2026-01-05", "--on-bad-row", "maybe"))
        .isEqualTo(Main.USAGE);
    assertThat(Main.run("compute", "--repo", dir.toString(), "--as-of", "2026-01-05"))
        .as("the vectors' bad rows under the default --on-bad-row fail").isEqualTo(Main.FAILURE);
    assertThat(Main.run("compute", "--repo", dir.toString(), "--as-of", "2026-01-05", "--view", "nope"))
        .isEqualTo(Main.USAGE);
  }

  /** {@code larder compute --engine spark} finds this module through ServiceLoader and runs the same job. */
  @Test
  void theCliRunsTheSameJobWithEngineSpark() throws IOException {
    ProjectConfig config = Vectors.repo("compute", dir);
    int code = dev.larder.cli.Larder.run("compute", "--repo", dir.toString(), "--engine", "spark",
        "--master", "local[2]", "--as-of", "2026-01-08", "--on-bad-row", "skip", "--view", "store_sales");
    assertThat(code).isZero();
    assertThat(OfflineStore.of(config).snapshots("store_sales", 1)).hasSize(1);
    assertThat(OfflineStore.of(config).snapshots("user_activity", 1)).isEmpty();
  }
}
