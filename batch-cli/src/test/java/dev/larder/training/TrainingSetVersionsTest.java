package dev.larder.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.offline.TableFiles;
import dev.larder.registry.Plan;
import dev.larder.registry.RegistryFile;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A training set reads one version per view: the current one unless pinned, never a mix. */
class TrainingSetVersionsTest {
  @TempDir
  Path dir;
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Larder.commandLine();
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("training-set", "--repo", dir.toString()));
    all.addAll(List.of(args));
    return cl.execute(all.toArray(String[]::new));
  }

  @Test
  void aNewVersionWithoutHistoryFailsWithAHintAndThePreviousVersionCanBePinned() throws IOException {
    TrainingRepo repo = TrainingRepo.create(dir, 3);
    Path before = dir.resolve("v1.parquet");
    assertThat(run("--entities", repo.entities.toString(), "--features", "activity:clicks,profile:age",
        "--out", before.toString())).as(err.toString()).isZero();

    // activity's window changes: version 2, whose snapshots nobody computed yet.
    Registry v1 = RegistryFile.read(repo.config.registryPath()).orElseThrow();
    Definitions.Builder d = Definitions.newBuilder().addAllEntities(v1.getEntitiesList())
        .addAllSources(v1.getSourcesList()).addAllFeatureServices(v1.getFeatureServicesList());
    for (FeatureView v : v1.getFeatureViewsList()) {
      d.addFeatureViews(v.getName().equals("activity") ? v.toBuilder().setFeatures(0, v.getFeatures(0).toBuilder()
          .setAggregation(v.getFeatures(0).getAggregation().toBuilder().setWindow("14d"))).build() : v);
    }
    Plan plan = Plan.between(v1, d.build());
    assertThat(plan.viewsToRecompute()).containsOnlyKeys("activity");
    RegistryFile.write(repo.config.registryPath(), plan.apply("shop", Instant.now()));

    err.getBuffer().setLength(0);
    assertThat(run("--entities", repo.entities.toString(), "--features", "activity:clicks,profile:age",
        "--out", dir.resolve("v2.parquet").toString())).isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("feature view 'activity' version 2 has no history in the offline store;"
        + " compute it first: larder compute --repo " + dir + " --view activity",
        "or pin version 1, which has history: activity@1:<feature>");
    assertThat(dir.resolve("v2.parquet")).doesNotExist();

    err.getBuffer().setLength(0);
    assertThat(run("--entities", repo.entities.toString(), "--features", "activity@1:clicks,activity:score",
        "--out", dir.resolve("mixed.parquet").toString())).isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("feature view 'activity' is requested at versions 1 and 2; a training set"
        + " reads one version per view");

    Path pinned = dir.resolve("pinned.parquet");
    assertThat(run("--entities", repo.entities.toString(), "--features", "activity@1:clicks,profile:age",
        "--out", pinned.toString())).as(err.toString()).isZero();
    List<Object[]> expected = read(before);
    List<Object[]> actual = read(pinned);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("row %d", i).containsExactly(expected.get(i));
    }
  }

  private static List<Object[]> read(Path file) throws IOException {
    List<Object[]> rows = new ArrayList<>();
    try (RowReader r = TableFiles.open(file, null)) {
      for (Object[] row = r.next(); row != null; row = r.next()) {
        rows.add(row);
      }
    }
    return rows;
  }
}
