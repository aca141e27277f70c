package dev.larder.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.Field;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
  @TempDir Path repo;

  private Source source(String path, Field... schema) {
    return Source.newBuilder().setName("events").setPath(path).setTimestampField("ts")
        .addAllSchema(List.of(schema)).build();
  }

  private static Field field(String name, ValueType t) {
    return Field.newBuilder().setName(name).setType(t).build();
  }

  @Test
  void parsesDeclaredTypesQuotingAndNulls() throws IOException {
    Files.writeString(repo.resolve("e.csv"), "\uFEFFid,name,price,ok,ts\r\n"
        + "1,\"Smith, \"\"J\"\"\nline2\",2.5,true,2026-11-01T12:00:00Z\r\n"
        + "2,,,,1700000000\n"
        + "3,x,1e3,0,2026-11-02\n");
    Source s = source("e.csv", field("id", ValueType.INT64), field("name", ValueType.STRING),
        field("price", ValueType.DOUBLE), field("ok", ValueType.BOOL), field("ts", ValueType.TIMESTAMP));
    List<List<Object>> rows = Rows.lists(SourceReaders.open(s, repo, null));
    assertThat(rows).containsExactly(
        List.of(1L, "Smith, \"J\"\nline2", 2.5, true, 1_793_534_400_000_000L),
        java.util.Arrays.asList(2L, null, null, null, 1_700_000_000_000_000L),
        List.of(3L, "x", 1000.0, false, 1_793_577_600_000_000L));
  }

  @Test
  void infersTypesWithoutDeclaredSchemaAndForcesTheTimestampField() throws IOException {
    Files.writeString(repo.resolve("e.csv"), "id,amount,flag,ts,when,label\n1,2.5,true,1700000000,2026-01-01T00:00:00Z,a\n"
        + "2,3,false,1700000001,2026-01-02 10:00:00,b\n");
    RowSchema s = SourceReaders.schema(source("e.csv"), repo).orElseThrow();
    assertThat(s.columns()).containsExactly(new Column("id", ValueType.INT64), new Column("amount", ValueType.DOUBLE),
        new Column("flag", ValueType.BOOL), new Column("ts", ValueType.TIMESTAMP),
        new Column("when", ValueType.TIMESTAMP), new Column("label", ValueType.STRING));
  }

  @Test
  void errorsNameFileLineAndColumn() throws IOException {
    Source s = source("e.csv", field("id", ValueType.INT64), field("ts", ValueType.TIMESTAMP));
    Files.writeString(repo.resolve("e.csv"), "id,ts\n1,2026-11-01\nabc,2026-11-01\n");
    assertThatThrownBy(() -> Rows.all(SourceReaders.open(s, repo, null)))
        .hasMessage("e.csv line 3, column 'id': 'abc' is not an int64");
    Files.writeString(repo.resolve("e.csv"), "id,ts\n1,yesterday\n");
    assertThatThrownBy(() -> Rows.all(SourceReaders.open(s, repo, null)))
        .hasMessageStartingWith("e.csv line 2, column 'ts': 'yesterday' is not a timestamp");
    Files.writeString(repo.resolve("e.csv"), "id,ts\n1,2026-11-01\n2\n");
    assertThatThrownBy(() -> Rows.all(SourceReaders.open(s, repo, null)))
        .hasMessage("e.csv line 3: 1 fields, expected 2 as in the header");
    StringBuilder many = new StringBuilder("id,ts\n");
    for (int i = 0; i < 5000; i++) many.append(i).append(",2026-11-01\n");
    byte[] good = many.toString().getBytes(StandardCharsets.UTF_8);
    byte[] bad = java.util.Arrays.copyOf(good, good.length + 4);
    bad[good.length] = '7';
    bad[good.length + 1] = ',';
    bad[good.length + 2] = (byte) 0xC3; // not followed by a continuation byte
    bad[good.length + 3] = (byte) 0x28;
    Files.write(repo.resolve("e.csv"), bad);
    assertThatThrownBy(() -> Rows.all(SourceReaders.open(s, repo, null)))
        .hasMessage("e.csv line 5002: invalid UTF-8; CSV files must be UTF-8 encoded");
    Files.writeString(repo.resolve("e.csv"), "id,ts\n1,\"2026-11-01\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Rows.all(SourceReaders.open(s, repo, null)))
        .hasMessageContaining("e.csv line 2: quoted field is not closed");
    assertThatThrownBy(() -> SourceReaders.open(s, repo, List.of("missing")))
        .hasMessageContaining("source 'events' has no column 'missing'");
  }
}
