package dev.larder.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --engine} on {@code compute} and {@code training-set} in a JVM without the Spark module (batch-cli's
 * own tests): a clear message saying how to run on Spark, and no work done. The Spark module's tests run the
 * same flags with Spark present.
 */
class EngineOptionTest {
  @TempDir
  Path dir;

  @Test
  void sparkWithoutTheSparkModuleFailsSayingHowToRunIt() throws IOException {
    TestRepo.create(dir, ComputeRunTest.CSV_REGISTRY);
    StringWriter err = new StringWriter();
    int code = ComputeRunTest.cli(err, "compute", "--repo", dir.toString(), "--as-of", "2026-01-02",
        "--engine", "spark", "--master", "local[2]");
    assertThat(code).isEqualTo(Larder.FAILURE);
    assertThat(err.toString()).contains("--engine spark: no such engine on the classpath")
        .contains("spark-submit --class dev.larder.spark.Main larder-spark-app.jar compute")
        .contains("docs/spark.md");

    err = new StringWriter();
    code = ComputeRunTest.cli(err, "training-set", "--repo", dir.toString(), "--entities", "e.csv",
        "--features", "user_activity", "--out", "o.csv", "--engine", "spark");
    assertThat(code).isEqualTo(Larder.FAILURE);
    assertThat(err.toString()).contains("larder-spark-app.jar training-set");
  }

  @Test
  void sparkFlagsWithoutEngineSparkAreUsageErrors() throws IOException {
    TestRepo.create(dir, ComputeRunTest.CSV_REGISTRY);
    StringWriter err = new StringWriter();
    int code = ComputeRunTest.cli(err, "compute", "--repo", dir.toString(), "--as-of", "2026-01-02",
        "--master", "local[2]");
    assertThat(code).isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("--master and --partitions need --engine spark");
    code = ComputeRunTest.cli(err, "compute", "--repo", dir.toString(), "--as-of", "2026-01-02", "--engine", "flink");
    assertThat(code).isEqualTo(Larder.FAILURE);
    assertThat(err.toString()).contains("--engine flink: no such engine on the classpath; engines: embedded, spark");
  }
}
