package dev.larder.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.compute.BadRowPolicy;
import dev.larder.compute.Compute;
import dev.larder.registry.ProjectConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded application jar in a JVM of its own, on Spark's classpath without Larder's jars (what spark-submit
 * does with a distribution's jars/ folder, minus the launcher script, which is not a Maven artifact): it must
 * bring and relocate everything it needs, and give the embedded engine's snapshots.
 */
class SparkSubmitIT {
  @TempDir
  Path embeddedDir;

  @TempDir
  Path sparkDir;

  @Test
  void theApplicationJarComputesTheSameSnapshotsOnSparksClasspath() throws Exception {
    Path app = Path.of(System.getProperty("larder.spark.app"));
    String sparkClasspath = Files.readString(Path.of(System.getProperty("larder.spark.classpath"))).strip();
    assertThat(app).exists();
    assertThat(sparkClasspath).contains("spark-core_2.13").doesNotContain("larder-").doesNotContain("picocli");

    ProjectConfig embedded = Vectors.repo("compute", embeddedDir);
    Vectors.repo("compute", sparkDir);
    long[] asOfs = Vectors.asOfs("compute");
    new Compute(embedded, new PrintStream(new ByteArrayOutputStream()))
        .run(new Compute.Request(List.of(), asOfs, BadRowPolicy.SKIP));

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(Arrays.asList(System.getProperty("larder.spark.opens").split(" ")));
    command.addAll(List.of("-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1",
        "-Dspark.driver.bindAddress=127.0.0.1", "-cp", app + java.io.File.pathSeparator + sparkClasspath,
        "dev.larder.spark.Main", "compute", "--master", "local[2]", "--partitions", "2", "--repo", sparkDir.toString(),
        "--on-bad-row", "skip"));
    for (String t : Files.readAllLines(Vectors.root().resolve("compute/asofs.txt"))) {
      if (!t.isBlank() && !t.startsWith("#")) {
        command.addAll(List.of("--as-of", t.strip()));
      }
    }
    Path log = sparkDir.resolve("spark.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the job finishes").isTrue();
    String output = Files.readString(log);
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("published run").contains("computed 2 views");

    var left = SparkComputeEqualityTest.snapshots(embedded);
    var right = SparkComputeEqualityTest.snapshots(ProjectConfig.load(sparkDir));
    assertThat(right.keySet()).isEqualTo(left.keySet());
    left.forEach((file, rows) -> assertThat(right.get(file)).as(file).containsExactlyElementsOf(rows));
  }

}
