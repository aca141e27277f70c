package dev.larder.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.larder.cli.Larder;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.TableFiles;
import dev.larder.online.OnlineOptions;
import dev.larder.registry.ProjectConfig;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.time.Timestamps;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * One join key type policy, end to end: every key type that {@code apply} accepts goes through compute, a
 * training set, materialize and a lookup over gRPC with the same values; the types it refuses are refused at
 * {@code apply} with the location of the key.
 */
class JoinKeyTypesTest {
  static final Instant DAY1 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path repo;

  @ParameterizedTest
  @EnumSource(names = {"INT32", "INT64", "STRING", "BYTES", "BOOL", "TIMESTAMP"})
  void everyAcceptedKeyTypeWorksEndToEnd(ValueType type) throws Exception {
    writeRepo(type);
    // Two entities: key A has 3 events, key B has 1, all on day 1.
    Object a = keyValue(type, 0);
    Object b = keyValue(type, 1);
    long t = Timestamps.toMicros(DAY1.plusSeconds(3600));
    writeParquet(repo.resolve("data/events.parquet"), List.of(new Column("k", type),
        new Column("event_timestamp", ValueType.TIMESTAMP), new Column("amount", ValueType.INT64)),
        List.of(new Object[] {a, t, 5L}, new Object[] {a, t + 1, 7L}, new Object[] {b, t + 2, 1L},
            new Object[] {a, t + 3, 1L}));
    long asOf = Timestamps.toMicros(DAY1.plusSeconds(86_400));
    writeParquet(repo.resolve("entities.parquet"), List.of(new Column("k", type),
        new Column("event_timestamp", ValueType.TIMESTAMP)),
        List.of(new Object[] {a, asOf + 10}, new Object[] {b, asOf + 10}));

    assertThat(larder("apply", "--repo", repo.toString())).isZero();
    assertThat(larder("compute", "--repo", repo.toString(), "--start", "2026-01-02", "--end", "2026-01-02",
        "--step", "1d")).isZero();
    Path out = repo.resolve("training.parquet");
    assertThat(larder("training-set", "--repo", repo.toString(), "--entities", repo.resolve("entities.parquet")
        .toString(), "--features", "activity:events,activity:spent", "--out", out.toString())).isZero();
    List<Object[]> rows = new ArrayList<>();
    try (RowReader r = TableFiles.open(out, List.of("k", "events", "spent"))) {
      for (Object[] row = r.next(); row != null; row = r.next()) {
        rows.add(row.clone());
      }
    }
    assertThat(rows).hasSize(2);
    assertThat(List.of(rows.get(0)[1], rows.get(0)[2])).as("key %s", type).containsExactly(3L, 13L);
    assertThat(List.of(rows.get(1)[1], rows.get(1)[2])).as("key %s", type).containsExactly(1L, 1L);

    assertThat(larder("materialize", "--repo", repo.toString(), "--start", "2020-01-01", "--end",
        "2026-01-03")).isZero();
    ProjectConfig config = ProjectConfig.load(repo);
    String name = InProcessServerBuilder.generateName();
    ServerConfig serverConfig = ServerConfig.resolve(config, java.util.Map.of(), java.util.Map.of(), null, null);
    try (LarderServer server = LarderServer.listen(serverConfig, OnlineOptions.defaults(),
        Clock.fixed(DAY1.plusSeconds(2 * 86_400), ZoneOffset.UTC), InProcessServerBuilder.forName(name), null)) {
      server.openStore();
      ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
      try {
        GetOnlineFeaturesResponse resp = FeatureServingGrpc.newBlockingStub(channel).getOnlineFeatures(
            GetOnlineFeaturesRequest.newBuilder().setFeatures(FeatureList.newBuilder().addRefs("activity:events")
                    .addRefs("activity:spent"))
                .putEntities("k", RepeatedValue.newBuilder().addValues(proto(type, a)).addValues(proto(type, b))
                    .build())
                .build());
        assertThat(resp.getResults(0).getValuesList()).extracting(Value::getInt64Val).containsExactly(3L, 1L);
        assertThat(resp.getResults(1).getValuesList()).extracting(Value::getInt64Val).containsExactly(13L, 1L);
        assertThat(resp.getResults(0).getStatusesList()).containsOnly(FieldStatus.PRESENT);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT", "DOUBLE", "INT64_LIST", "STRING_LIST"})
  void otherKeyTypesAreRefusedAtApplyWithTheirLocation(ValueType type) throws IOException {
    writeRepo(type);
    StringWriter err = new StringWriter();
    assertThat(larder(err, "apply", "--repo", repo.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("defs.textproto:1:").contains("join key 'k' has type " + type)
        .contains("INT64, INT32, STRING, BYTES, BOOL or TIMESTAMP");
  }

  private void writeRepo(ValueType keyType) throws IOException {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("keys"));
    Files.createDirectories(repo.resolve("data"));
    Files.writeString(repo.resolve("defs.textproto"), "entities { name: \"thing\" join_keys { name: \"k\" type: "
        + keyType + " } }\n"
        + "sources { name: \"events\" path: \"data/events.parquet\" timestamp_field: \"event_timestamp\" }\n"
        + "feature_views { name: \"activity\" entities: \"thing\" source: \"events\"\n"
        + "  features { name: \"events\" type: INT64 aggregation { function: COUNT window: \"30d\" } }\n"
        + "  features { name: \"spent\" type: INT64 aggregation { function: SUM column: \"amount\" window: \"30d\" } }"
        + " }\n");
  }

  private static Object keyValue(ValueType type, int i) {
    return switch (type) {
      case INT32 -> 7 + i;
      case INT64 -> 7L + i;
      case STRING -> "user-" + i;
      case BYTES -> new byte[] {1, (byte) i};
      case BOOL -> i == 0;
      case TIMESTAMP -> Timestamps.toMicros(DAY1) + i;
      default -> throw new IllegalArgumentException(type.name());
    };
  }

  private static Value proto(ValueType type, Object v) {
    return switch (type) {
      case INT32 -> Value.newBuilder().setInt32Val((Integer) v).build();
      case INT64 -> Value.newBuilder().setInt64Val((Long) v).build();
      case STRING -> Value.newBuilder().setStringVal((String) v).build();
      case BYTES -> Value.newBuilder().setBytesVal(ByteString.copyFrom((byte[]) v)).build();
      case BOOL -> Value.newBuilder().setBoolVal((Boolean) v).build();
      case TIMESTAMP -> Value.newBuilder().setTimestampVal(Timestamps.toProto((Long) v)).build();
      default -> throw new IllegalArgumentException(type.name());
    };
  }

  private static void writeParquet(Path file, List<Column> columns, List<Object[]> rows) throws IOException {
    try (ParquetRowWriter w = new ParquetRowWriter(file, new RowSchema(columns))) {
      for (Object[] r : rows) {
        w.write(r);
      }
    }
  }

  private static int larder(String... args) {
    return larder(new StringWriter(), args);
  }

  private static int larder(StringWriter err, String... args) {
    CommandLine cl = Larder.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    if (code != 0 && code != 2) {
      System.err.println(String.join(" ", args) + " -> " + code + "\n" + err);
    }
    return code;
  }
}
