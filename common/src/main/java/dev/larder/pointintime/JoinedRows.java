package dev.larder.pointintime;

import dev.larder.core.v1.ValueType;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The output of a {@link PointInTimeJoin}: each entity row, in input order, followed by the features of each view
 * as of the row's time (nulls where nothing matched). Holds one bucket of joined rows in memory at a time and
 * deletes the join's spill files when closed.
 */
public final class JoinedRows implements RowReader {
  private final RowReader entities;
  private final RowSchema schema;
  private final ResultBuckets results;
  private final JoinSummary summary;
  private final Path spillDir;
  private final int entityWidth;
  private final ValueType[][] types;
  private final byte[][][] bucket;
  private final Input input = new Input();
  private final DataInputStream data = new DataInputStream(input);
  private long row;
  private long bucketStart = Long.MIN_VALUE;

  JoinedRows(RowReader entities, List<ViewRequest> views, ResultBuckets results, JoinSummary summary,
             Path spillDir) {
    this.entities = entities;
    this.schema = PointInTimeJoin.outputSchema(entities.schema(), views);
    this.results = results;
    this.summary = summary;
    this.spillDir = spillDir;
    this.entityWidth = entities.schema().size();
    this.types = new ValueType[views.size()][];
    for (int v = 0; v < types.length; v++) {
      types[v] = views.get(v).outputColumns().stream().map(c -> c.type()).toArray(ValueType[]::new);
    }
    this.bucket = new byte[views.size()][][];
  }

  /** Rows and matches per view. */
  public JoinSummary summary() {
    return summary;
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  @Override
  public Object[] next() throws IOException {
    Object[] in = entities.next();
    if (in == null) {
      if (row != summary.rows()) {
        throw new IOException(entities.position() + ": the entity rows changed during the join (" + summary.rows()
            + " rows at first, " + row + " now)");
      }
      return null;
    }
    if (row >= summary.rows()) {
      throw new IOException(entities.position() + ": the entity rows changed during the join (more than "
          + summary.rows() + " rows now)");
    }
    int bucketRows = results.bucketRows();
    if (row >= bucketStart + bucketRows || bucketStart == Long.MIN_VALUE) {
      int b = (int) (row / bucketRows);
      bucketStart = (long) b * bucketRows;
      for (int v = 0; v < bucket.length; v++) {
        bucket[v] = results.load(v, b);
      }
    }
    Object[] out = new Object[schema.size()];
    System.arraycopy(in, 0, out, 0, entityWidth);
    int col = entityWidth;
    int offset = (int) (row - bucketStart);
    for (int v = 0; v < bucket.length; v++) {
      byte[] payload = bucket[v][offset];
      bucket[v][offset] = null;
      if (payload != null) {
        input.reset(payload);
        for (ValueType t : types[v]) {
          out[col++] = ValueCodec.read(data, t);
        }
      } else {
        col += types[v].length;
      }
    }
    row++;
    return out;
  }

  @Override
  public String position() {
    return entities.position();
  }

  @Override
  public void close() throws IOException {
    try {
      entities.close();
    } finally {
      deleteRecursively(spillDir);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A byte array input that can be pointed at the next payload without allocating. */
  private static final class Input extends ByteArrayInputStream {
    Input() {
      super(RecordCursor.EMPTY);
    }

    void reset(byte[] bytes) {
      this.buf = bytes;
      this.pos = 0;
      this.count = bytes.length;
      this.mark = 0;
    }
  }
}
