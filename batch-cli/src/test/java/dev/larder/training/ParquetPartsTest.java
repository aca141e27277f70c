package dev.larder.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.ValueType;
import dev.larder.offline.TableFiles;
import dev.larder.online.FeatureRowCodec;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records decoded and encoded in parallel parts must come out as one Parquet file with every row in order, and
 * leave no parts.
 */
class ParquetPartsTest {
  private static final RowSchema SCHEMA = new RowSchema(List.of(new Column("id", ValueType.INT64),
      new Column("name", ValueType.STRING), new Column("score", ValueType.DOUBLE),
      new Column("tags", ValueType.INT64_LIST)));
  private static final FeatureRowCodec CODEC =
      new FeatureRowCodec(SCHEMA.columns().stream().map(Column::type).toList());

  @TempDir
  Path dir;

  @Test
  void partsAreJoinedInOrder() throws IOException {
    List<Object[]> rows = new ArrayList<>();
    for (long i = 0; i < 300; i++) {
      rows.add(new Object[] {i, i % 7 == 0 ? null : "n" + i % 13, i * 0.5, i % 5 == 0 ? null : List.of(i, -i)});
    }
    Path out = dir.resolve("out.parquet");
    try (ParquetParts w = new ParquetParts(out, SCHEMA, CODEC, 100)) {
      for (int i = 0; i < rows.size(); i++) {
        w.write(CODEC.encode(i, 0, rows.get(i)));
      }
      assertThat(w.rows()).isEqualTo(300);
    }
    assertThat(read(out)).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(rows);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void noRowsGiveAnEmptyFileWithTheColumns() throws IOException {
    Path out = dir.resolve("empty.parquet");
    new ParquetParts(out, SCHEMA, CODEC, 64).close();
    assertThat(TableFiles.schema(out)).contains(SCHEMA);
    assertThat(read(out)).isEmpty();
  }

  private static List<Object[]> read(Path file) throws IOException {
    List<Object[]> out = new ArrayList<>();
    try (RowReader r = TableFiles.open(file, null)) {
      for (Object[] row = r.next(); row != null; row = r.next()) {
        out.add(row);
      }
    }
    return out;
  }
}
