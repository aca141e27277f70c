package dev.larder.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.TableFiles;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code larder training-set} as users run it: CSV in and out, name clashes, and bad input. */
class TrainingSetCommandTest {
  @TempDir
  static Path dir;

  private static TrainingRepo repo;
  private final StringWriter stdout = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void setUp() throws IOException {
    repo = TrainingRepo.create(dir, 3);
  }

  private int run(String... args) {
    CommandLine cl = Larder.commandLine();
    cl.setOut(new PrintWriter(stdout, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("training-set", "--repo", dir.toString()));
    all.addAll(List.of(args));
    return cl.execute(all.toArray(String[]::new));
  }

  @Test
  void csvOutputHasTheSameRowsAsParquet() throws IOException {
    Path parquet = dir.resolve("train.parquet");
    Path csv = dir.resolve("train.csv");
    assertThat(run("--entities", repo.entities.toString(), "--service", "model", "--out", parquet.toString()))
        .isZero();
    assertThat(run("--entities", repo.entities.toString(), "--service", "model", "--out", csv.toString()))
        .isZero();
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo("user_id,country,event_timestamp,label,age,clicks,score");
    assertThat(lines).hasSize(401);
    List<Object[]> fromParquet = read(parquet);
    List<Object[]> fromCsv = read(csv);
    assertThat(fromCsv).hasSameSizeAs(fromParquet);
    for (int i = 0; i < fromParquet.size(); i++) {
      for (int c = 0; c < fromParquet.get(i).length; c++) {
        assertThat(normal(fromCsv.get(i)[c])).as("row %d column %d", i, c).isEqualTo(normal(fromParquet.get(i)[c]));
      }
    }
    assertThat(stdout.toString()).as("results go to stdout").contains("400 rows", "profile: ", "activity: ", "matched", "null");
  }

  @Test
  void statsFlagWritesStatisticsOfEveryFeatureBesideTheTrainingSet() throws IOException {
    Path out = dir.resolve("with-stats.parquet");
    assertThat(run("--entities", repo.entities.toString(), "--service", "model", "--out", out.toString(), "--stats"))
        .isZero();
    Path stats = dir.resolve("with-stats.parquet.stats.parquet");
    assertThat(stdout.toString()).contains("wrote statistics to " + stats);
    List<String> features = new ArrayList<>();
    for (Object[] row : read(stats)) {
      features.add((String) row[1]);
      assertThat((Long) row[5]).as("rows profiled for %s", row[1]).isEqualTo(400L);
    }
    assertThat(features).contains("age", "clicks", "score");
  }

  @Test
  void csvEntitiesWithTextTimestampsAndAnotherTimestampColumn() throws IOException {
    Path entities = dir.resolve("labels.csv");
    Files.writeString(entities, "user_id,label,when\n1,true,2026-02-01T00:00:00Z\n2,false,2026-02-03\n");
    Path out = dir.resolve("labels-train.csv");
    assertThat(run("--entities", entities.toString(), "--features", "activity:clicks", "--timestamp-column", "when",
        "--out", out.toString())).as(err.toString()).isZero();
    assertThat(Files.readAllLines(out)).hasSize(3).first().isEqualTo("user_id,label,when,clicks");
  }

  @Test
  void aViewWithoutHistoryForTheRowsSaysWhatToRunAndRequireCoverageFails() throws IOException {
    Path rows = dir.resolve("future.csv");
    Files.writeString(rows, "user_id,country,event_timestamp\n1,FR,2027-03-01T10:00:00Z\n2,DE,2027-03-02T08:00:00Z\n");
    Path outFile = dir.resolve("future-train.parquet");
    assertThat(run("--entities", rows.toString(), "--features", "activity", "--out", outFile.toString()))
        .as(err.toString()).isZero();
    assertThat(stdout.toString()).contains("activity: 0 matched, 2 null");
    assertThat(err.toString()).contains("warning: feature view 'activity' has no snapshots in the entity rows' "
        + "time range [2027-03-01T10:00:00Z, 2027-03-02T08:00:00Z] (its snapshots cover [2026-01-",
        "run `larder compute --repo " + repo.config.repoDir() + " --view activity --start 2027-03-01 --end 2027-03-02 "
            + "--step 1d` first");

    Files.delete(outFile);
    assertThat(run("--entities", rows.toString(), "--features", "activity", "--out", outFile.toString(),
        "--require-coverage")).isEqualTo(Larder.FAILURE);
    assertThat(err.toString()).contains("error: feature view 'activity' has no snapshots", "no training set written");
    assertThat(outFile).doesNotExist();
  }

  @Test
  void anOutputExtensionThatCannotBeWrittenIsRefusedBeforeAnyWork() {
    Path json = dir.resolve("train.json");
    assertThat(run("--entities", repo.entities.toString(), "--service", "model", "--out", json.toString()))
        .isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("train.json: cannot write .json files; name the output *.parquet (Parquet) "
        + "or *.csv (CSV)");
    assertThat(json).doesNotExist();
  }

  @Test
  void aBareFeatureNameFoundInOneViewIsThatFeature() throws IOException {
    Path out = dir.resolve("bare.csv");
    assertThat(run("--entities", repo.entities.toString(), "--features", "clicks,age", "--out", out.toString()))
        .as(err.toString()).isZero();
    assertThat(Files.readAllLines(out).get(0)).isEqualTo("user_id,country,event_timestamp,label,clicks,age");
  }

  @Test
  void nameClashSuggestsFullFeatureNames() {
    Path out = dir.resolve("clash.parquet");
    assertThat(run("--entities", repo.entities.toString(), "--features", "activity:score,local:score",
        "--out", out.toString())).isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("activity:score", "local:score", "'score'", "--full-feature-names");
    assertThat(out).doesNotExist();
  }

  @Test
  void unknownViewOrFeature() {
    assertThat(run("--entities", repo.entities.toString(), "--features", "nope:x", "--out", "x.parquet"))
        .isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("unknown feature view 'nope'");
    assertThat(run("--entities", repo.entities.toString(), "--features", "profile:height", "--out", "x.parquet"))
        .isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("feature view 'profile' has no feature 'height'");
    assertThat(run("--entities", repo.entities.toString(), "--features", "profile:ag", "--out", "o.parquet"))
        .isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("feature view 'profile' has no feature 'ag'; did you mean 'age'?");
    assertThat(run("--entities", repo.entities.toString(), "--features", "score", "--out", "o.parquet"))
        .isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("'score' is a feature of several views (activity:score, local:score); "
        + "name one as view:feature");
  }

  @Test
  void missingJoinKeyOrTimestampColumn() throws IOException {
    Path entities = write("no_country.parquet", List.of(new Column("user_id", ValueType.INT64),
        new Column("event_timestamp", ValueType.TIMESTAMP)), new Object[] {1L, TrainingRepo.START});
    assertThat(run("--entities", entities.toString(), "--features", "local:score", "--out", "o.parquet"))
        .isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("no_country.parquet has no column 'country'", "feature view 'local'",
        "it has: user_id, event_timestamp");
    assertThat(run("--entities", entities.toString(), "--features", "profile:age", "--timestamp-column", "ts",
        "--out", "o.parquet")).isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("no timestamp column 'ts'", "it has: user_id, event_timestamp");
  }

  @Test
  void keyOfTheWrongTypeIsRejectedButInt32IsWidened() throws IOException {
    Path text = write("text_keys.parquet", List.of(new Column("user_id", ValueType.STRING),
        new Column("event_timestamp", ValueType.TIMESTAMP)), new Object[] {"1", TrainingRepo.START});
    assertThat(run("--entities", text.toString(), "--features", "profile:age", "--out", "o.parquet"))
        .isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("column 'user_id' is string, expected int64");

    Path narrow = write("int_keys.parquet", List.of(new Column("user_id", ValueType.INT32),
        new Column("event_timestamp", ValueType.TIMESTAMP)), new Object[] {5, TrainingRepo.START + 40 * TrainingRepo.DAY});
    Path out = dir.resolve("narrow.parquet");
    assertThat(run("--entities", narrow.toString(), "--features", "activity:clicks", "--out", out.toString()))
        .as(err.toString()).isZero();
    assertThat(stdout.toString()).contains("activity: 1 matched");
  }

  @Test
  void unparsableTimestampNamesFileRowAndColumnAndLeavesNoOutput() throws IOException {
    Path entities = dir.resolve("bad.csv");
    Files.writeString(entities, "user_id,event_timestamp\n1,2026-02-01T00:00:00Z\n2,yesterday\n");
    Path out = dir.resolve("bad-train.parquet");
    assertThat(run("--entities", entities.toString(), "--features", "profile:age", "--out", out.toString()))
        .isEqualTo(Larder.FAILURE);
    assertThat(err.toString()).contains("bad.csv", "line 3", "event_timestamp", "yesterday");
    assertThat(out).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
  }

  private static Path write(String name, List<Column> columns, Object[] row) throws IOException {
    Path file = dir.resolve(name);
    try (ParquetRowWriter w = new ParquetRowWriter(file, new RowSchema(columns))) {
      w.write(row);
    }
    return file;
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

  private static Object normal(Object v) {
    return v instanceof Number n ? (Object) n.doubleValue() : v;
  }
}
