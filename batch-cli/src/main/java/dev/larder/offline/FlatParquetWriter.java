package dev.larder.offline;

import dev.larder.core.v1.ValueType;
import dev.larder.online.FeatureRowCodec;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import dev.larder.value.Values;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows of scalar columns (no lists) to a Parquet file through parquet-java's column writers directly:
 * the same schema, encodings and codec as {@link ParquetRowWriter}, so readers see no difference, without the
 * record layer in between. For flat rows that layer (tracking which fields of each record were written and
 * filling the rest with nulls) cost about a third of writing a training set.
 */
public final class FlatParquetWriter implements RowWriter {
  /** Rows between checks of the buffered size against the row group size. */
  private static final int SIZE_CHECK_ROWS = 4096;

  private final Path file;
  private final MessageType schema;
  private final ValueType[] types;
  private final String[] names;
  private final long rowGroupBytes;
  private final ParquetProperties props;
  private final CodecFactory codecs;
  private final CompressionCodecFactory.BytesInputCompressor compressor;
  private final ParquetFileWriter out;
  private ColumnChunkPageWriteStore pages;
  private ColumnWriteStore store;
  private ColumnWriter[] columns;
  private long rows;
  private long rowsInGroup;

  /** Whether every column is a scalar, which this writer needs; otherwise use {@link ParquetRowWriter}. */
  public static boolean supports(RowSchema schema) {
    return schema.columns().stream().noneMatch(c -> Values.isList(c.type()));
  }

  public FlatParquetWriter(Path file, RowSchema rowSchema) throws IOException {
    this(file, rowSchema, ParquetRowWriter.ROW_GROUP_BYTES);
  }

  FlatParquetWriter(Path file, RowSchema rowSchema, long rowGroupBytes) throws IOException {
    if (!supports(rowSchema)) {
      throw new IllegalArgumentException("list columns need ParquetRowWriter: " + rowSchema);
    }
    this.file = file;
    this.schema = ParquetRowWriter.parquetSchema(rowSchema);
    this.types = rowSchema.columns().stream().map(Column::type).toArray(ValueType[]::new);
    this.names = rowSchema.columns().stream().map(Column::name).toArray(String[]::new);
    this.rowGroupBytes = rowGroupBytes;
    ParquetProperties.Builder b = ParquetProperties.builder();
    for (Column c : rowSchema.columns()) {
      b.withDictionaryEncoding(c.name(), ParquetRowWriter.dictionary(c.type()));
    }
    this.props = b.build();
    this.codecs = new CodecFactory(new PlainParquetConfiguration(), props.getPageSizeThreshold());
    this.compressor = codecs.getCompressor(ParquetRowWriter.CODEC);
    this.out = new ParquetFileWriter(new LocalOutputFile(file), schema, ParquetFileWriter.Mode.OVERWRITE,
        rowGroupBytes, 0);
    out.start();
    startGroup();
  }

  private void startGroup() {
    pages = ColumnChunkPageWriteStore.builder()
        .withCompressorProvider(column -> compressor)
        .withSchema(schema)
        .withAllocator(HeapByteBufferAllocator.getInstance())
        .withColumnIndexTruncateLength(props.getColumnIndexTruncateLength())
        .withPageWriteChecksumEnabled(props.getPageWriteChecksumEnabled())
        .build();
    store = props.newColumnWriteStore(schema, pages, pages);
    columns = new ColumnWriter[types.length];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = store.getColumnWriter(schema.getColumns().get(i));
    }
  }

  @Override
  public void write(Object[] row) throws IOException {
    if (row.length != types.length) {
      throw new IllegalArgumentException("row has " + row.length + " values, schema has " + types.length);
    }
    for (int i = 0; i < types.length; i++) {
      Object v = row[i];
      if (v == null) {
        columns[i].writeNull(0, 0);
        continue;
      }
      try {
        write(columns[i], types[i], v);
      } catch (ClassCastException e) {
        throw new IllegalArgumentException("column '" + names[i] + "' is " + Values.typeName(types[i])
            + " but the row holds a " + v.getClass().getSimpleName() + " (" + v + ")", e);
      }
    }
    endRow();
  }

  /**
   * Writes a row given as a record of {@code codec}, whose features are this file's columns in order, straight
   * from its bytes: no boxed values, no strings.
   */
  public void write(byte[] record, FeatureRowCodec codec) throws IOException {
    codec.readScalars(record, recordValues);
    endRow();
  }

  private void endRow() throws IOException {
    store.endRecord();
    rows++;
    if (++rowsInGroup % SIZE_CHECK_ROWS == 0 && store.getBufferedSize() >= rowGroupBytes) {
      flushGroup();
      startGroup();
    }
  }

  /** Writes the values of a record to the current row group's columns. */
  private final FeatureRowCodec.ScalarSink recordValues = new FeatureRowCodec.ScalarSink() {
    @Override
    public void nullValue(int c) {
      columns[c].writeNull(0, 0);
    }

    @Override
    public void raw(int c, long raw) {
      ColumnWriter w = columns[c];
      switch (types[c]) {
        case INT32 -> w.write((int) raw, 0, 1);
        case INT64, TIMESTAMP -> w.write(raw, 0, 1);
        case FLOAT -> w.write(Float.intBitsToFloat((int) raw), 0, 1);
        case DOUBLE -> w.write(Double.longBitsToDouble(raw), 0, 1);
        case BOOL -> w.write(raw != 0, 0, 1);
        default -> throw new IllegalArgumentException("column '" + names[c] + "' is " + types[c]
            + " but the record holds a fixed-width value");
      }
    }

    @Override
    public void bytes(int c, byte[] array, int offset, int length) {
      // the record is not changed after it is written, so the value may point into it
      columns[c].write(Binary.fromConstantByteArray(array, offset, length), 0, 1);
    }
  };

  private static void write(ColumnWriter w, ValueType t, Object v) {
    switch (t) {
      case INT32 -> w.write((Integer) v, 0, 1);
      case INT64, TIMESTAMP -> w.write((Long) v, 0, 1);
      case FLOAT -> w.write((Float) v, 0, 1);
      case DOUBLE -> w.write((Double) v, 0, 1);
      case BOOL -> w.write((Boolean) v, 0, 1);
      case STRING -> w.write(Binary.fromString((String) v), 0, 1);
      case BYTES -> w.write(Binary.fromConstantByteArray((byte[]) v), 0, 1);
      default -> throw new IllegalArgumentException("cannot write a value of type " + t);
    }
  }

  private void flushGroup() throws IOException {
    try {
      if (rowsInGroup > 0) {
        out.startBlock(rowsInGroup);
        store.flush();
        pages.flushToFileWriter(out);
        out.endBlock();
      }
    } finally {
      store.close();
      pages.close();
      rowsInGroup = 0;
    }
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      flushGroup();
      out.end(Map.of());
    } catch (IOException e) {
      throw footerFailure(file, e);
    } finally {
      codecs.release();
    }
  }

  /**
   * parquet-java reports a failed footer write as "can not write FileMetaData(...)" with the whole footer
   * printed and the operating system's reason ("No space left on device") only as the cause. This names the
   * file and that reason instead.
   */
  static IOException footerFailure(Path file, IOException e) {
    Throwable root = e;
    for (Throwable c = e.getCause(); c != null && c != root; c = c.getCause()) {
      if (c instanceof IOException && c.getMessage() != null) {
        root = c; // the deepest I/O error, below Thrift's TTransportException
      }
    }
    if (root == e) {
      return e;
    }
    return new IOException(file + ": cannot finish the Parquet file: " + root.getMessage(), e);
  }
}
