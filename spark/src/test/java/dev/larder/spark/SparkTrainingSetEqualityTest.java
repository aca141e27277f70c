package dev.larder.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.compute.BadRowPolicy;
import dev.larder.compute.Compute;
import dev.larder.join.JoinListener;
import dev.larder.offline.TableFiles;
import dev.larder.registry.ProjectConfig;
import dev.larder.training.TrainingSetBuilder;
import dev.larder.training.TrainingSetRequest;
import dev.larder.value.RowReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared point-in-time vectors (TTL edges, created-timestamp ties, rows created after the entity row, null
 * keys and features, a hot key, a two-column key, unsorted and duplicate entity rows, an aggregation view whose
 * history is the offline store's daily snapshots) through both engines: the
 * Spark training set must equal the embedded one row for row, in the same order, with the same columns.
 */
class SparkTrainingSetEqualityTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "created-before-row {0}")
  @ValueSource(booleans = {false, true})
  void sparkTrainingSetEqualsTheEmbeddedOne(boolean createdBeforeRow) throws IOException {
    ProjectConfig config = Vectors.repo("training-set", dir);
    new Compute(config, new PrintStream(new ByteArrayOutputStream()))
        .run(new Compute.Request(List.of("user_clicks"), Vectors.asOfs("training-set"), BadRowPolicy.FAIL));
    Path entities = dir.resolve("entities.csv");
    TrainingSetRequest embedded = new TrainingSetRequest(entities, List.of(), "model", dir.resolve("embedded.parquet"),
        false, "event_timestamp", createdBeforeRow);
    TrainingSetRequest spark = new TrainingSetRequest(entities, List.of(), "model", dir.resolve("spark.parquet"),
        false, "event_timestamp", createdBeforeRow);

    TrainingSetBuilder.forRepo(config, JoinListener.NONE).run(embedded);
    long written = new SparkTrainingSet(LocalSpark.session(), 3).run(config, spark);

    List<String> a = rows(embedded.out());
    List<String> b = rows(spark.out());
    assertThat(written).isEqualTo(a.size() - 1);
    assertThat(a).hasSize(314); // the schema line and every entity row
    assertThat(b).containsExactlyElementsOf(a);
    // The vectors do exercise the rule: the TTL edge (a value exactly 2 days old has expired, 1 s younger has not)
    // and a row created after the entity row's time, seen only without --created-before-row.
    assertThat(a.get(0)).endsWith("open_hours INT64, clicks_1d INT64, pages_7d INT64]");
    assertThat(a).as("rows that see a snapshot of the aggregation view").anyMatch(r -> !r.endsWith(", null, null]"));
    assertThat(a).anyMatch(r -> r.startsWith("[ttl_ok, 1, eu, 1767657600000000, 1, gold, 2.0"));
    assertThat(a).anyMatch(r -> r.startsWith("[ttl_exp, 1, eu, 1767657600000000, 0, null, null"));
    assertThat(a).anyMatch(r -> r.startsWith("[late, 1, eu, 1767657600000000, 0, " + (createdBeforeRow ? "early" : "late")));
  }

  static List<String> rows(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    try (RowReader r = TableFiles.open(file, null)) {
      out.add("schema " + r.schema());
      for (Object[] row; (row = r.next()) != null; ) {
        out.add(Arrays.deepToString(row));
      }
    }
    return out;
  }
}
