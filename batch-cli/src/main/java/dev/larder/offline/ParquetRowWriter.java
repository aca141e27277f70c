package dev.larder.offline;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import dev.larder.value.Values;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes rows to a Parquet file with standard logical types (UTF8 strings, TIMESTAMP(MICROS, UTC) times,
 * 3-level lists), so that DuckDB, Spark and pandas read Larder's files as they are. Every column is optional
 * (nullable). The file is replaced if it exists.
 */
public final class ParquetRowWriter implements RowWriter {
  /** Row group size of Larder's files. */
  public static final long ROW_GROUP_BYTES = 64L * 1024 * 1024;
  /** Compression of Larder's files. */
  static final CompressionCodecName CODEC = CompressionCodecName.ZSTD;

  private final ParquetWriter<Object[]> writer;
  private final Path file;
  private long rows;

  public ParquetRowWriter(Path file, RowSchema schema) throws IOException {
    this(file, schema, CODEC);
  }

  public ParquetRowWriter(Path file, RowSchema schema, CompressionCodecName codec) throws IOException {
    this.file = file;
    Builder b = new Builder(new LocalOutputFile(file), schema)
        .withConf(new PlainParquetConfiguration())
        .withCompressionCodec(codec)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withRowGroupSize(ROW_GROUP_BYTES);
    for (Column c : schema.columns()) {
      if (!dictionary(c.type())) {
        b.withDictionaryEncoding(Values.isList(c.type()) ? c.name() + ".list.element" : c.name(), false);
      }
    }
    this.writer = b.build();
  }

  /**
   * Whether a column of this type is dictionary-encoded: only strings and bytes, which repeat and are long.
   * For numbers and times the per-value hash lookup of parquet-java's dictionary writer was the largest single
   * cost of writing snapshots (a fifth of a 30-snapshot compute's CPU); plain values compressed with ZSTD come
   * out about as small.
   */
  static boolean dictionary(ValueType type) {
    ValueType t = TypeRules.element(type);
    return t == ValueType.STRING || t == ValueType.BYTES;
  }

  /** The Parquet schema Larder writes for {@code schema}. */
  public static MessageType parquetSchema(RowSchema schema) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column c : schema.columns()) {
      if (Values.isList(c.type())) {
        b.addField(Types.optionalList().optionalElement(primitive(TypeRules.element(c.type())))
            .as(logical(TypeRules.element(c.type()))).named(c.name()));
      } else {
        b.addField(Types.optional(primitive(c.type())).as(logical(c.type())).named(c.name()));
      }
    }
    return b.named("larder");
  }

  @Override
  public void write(Object[] row) throws IOException {
    writer.write(row);
    rows++;
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
      writer.close();
    } catch (IOException e) {
      throw FlatParquetWriter.footerFailure(file, e);
    }
  }

  private static PrimitiveTypeName primitive(ValueType t) {
    return switch (t) {
      case INT32 -> PrimitiveTypeName.INT32;
      case INT64, TIMESTAMP -> PrimitiveTypeName.INT64;
      case FLOAT -> PrimitiveTypeName.FLOAT;
      case DOUBLE -> PrimitiveTypeName.DOUBLE;
      case BOOL -> PrimitiveTypeName.BOOLEAN;
      case STRING, BYTES -> PrimitiveTypeName.BINARY;
      default -> throw new IllegalArgumentException("cannot write a Parquet column of type " + t);
    };
  }

  private static LogicalTypeAnnotation logical(ValueType t) {
    return switch (t) {
      case STRING -> LogicalTypeAnnotation.stringType();
      case TIMESTAMP -> LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS);
      default -> null;
    };
  }

  private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
    private final RowSchema schema;

    Builder(OutputFile file, RowSchema schema) {
      super(file);
      this.schema = schema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
      return new RowWriteSupport(schema);
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
      return new RowWriteSupport(schema);
    }
  }

  /** Feeds Object[] rows to parquet-java's record consumer. */
  private static final class RowWriteSupport extends WriteSupport<Object[]> {
    private final RowSchema schema;
    private final ValueType[] types;
    private final String[] names;
    private RecordConsumer out;

    RowWriteSupport(RowSchema schema) {
      this.schema = schema;
      this.types = schema.columns().stream().map(Column::type).toArray(ValueType[]::new);
      this.names = schema.columns().stream().map(Column::name).toArray(String[]::new);
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration conf) {
      return new WriteContext(parquetSchema(schema), Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration conf) {
      return new WriteContext(parquetSchema(schema), Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(Object[] row) {
      if (row.length != types.length) {
        throw new IllegalArgumentException("row has " + row.length + " values, schema has " + types.length);
      }
      out.startMessage();
      for (int i = 0; i < types.length; i++) {
        Object v = row[i];
        if (v == null) {
          continue;
        }
        out.startField(names[i], i);
        try {
          if (Values.isList(types[i])) {
            writeList(TypeRules.element(types[i]), (List<?>) v);
          } else {
            writeScalar(types[i], v);
          }
        } catch (ClassCastException e) {
          throw new IllegalArgumentException("column '" + names[i] + "' is " + Values.typeName(types[i])
              + " but the row holds a " + v.getClass().getSimpleName() + " (" + v + ")", e);
        }
        out.endField(names[i], i);
      }
      out.endMessage();
    }

    private void writeList(ValueType element, List<?> values) {
      out.startGroup();
      if (!values.isEmpty()) {
        out.startField("list", 0);
        for (Object e : values) {
          out.startGroup();
          if (e != null) {
            out.startField("element", 0);
            writeScalar(element, e);
            out.endField("element", 0);
          }
          out.endGroup();
        }
        out.endField("list", 0);
      }
      out.endGroup();
    }

    private void writeScalar(ValueType t, Object v) {
      switch (t) {
        case INT32 -> out.addInteger((Integer) v);
        case INT64, TIMESTAMP -> out.addLong((Long) v);
        case FLOAT -> out.addFloat((Float) v);
        case DOUBLE -> out.addDouble((Double) v);
        case BOOL -> out.addBoolean((Boolean) v);
        case STRING -> out.addBinary(Binary.fromString((String) v));
        case BYTES -> out.addBinary(Binary.fromConstantByteArray((byte[]) v));
        default -> throw new IllegalArgumentException("cannot write a value of type " + t);
      }
    }
  }
}
