package dev.larder.offline;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads rows of one Parquet file straight from parquet-java's column readers into {@code Object[]}, reading
 * only the requested columns. This skips the record-assembly layer (and its Group objects) that makes the
 * stock readers slow, which matters because compute scans tens of millions of events.
 */
final class ParquetFileRows implements RowReader {
  private final ParquetFileReader reader;
  private final String display;
  private final RowSchema schema;
  private final MessageType projection;
  private final GroupConverter root;
  private final Leaf[] leaves;
  private final String createdBy;
  private long rowsInGroup;
  private long rowInGroup;
  private long rowNumber;
  private int group;

  private ParquetFileRows(ParquetFileReader reader, String display, RowSchema schema, MessageType projection,
                          Leaf[] leaves) {
    this.reader = reader;
    this.display = display;
    this.schema = schema;
    this.projection = projection;
    this.leaves = leaves;
    this.createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
    this.root = route(projection, leaves);
  }

  /** The readable columns of a Parquet file, in file order (maps, structs and other unsupported fields are left out). */
  static RowSchema schema(Path file, String display) throws IOException {
    return schema(new PathInputFile(file), display);
  }

  static RowSchema schema(InputFile file, String display) throws IOException {
    try (ParquetFileReader r = openReader(file, display)) {
      MessageType s = r.getFooter().getFileMetaData().getSchema();
      List<Column> cols = new ArrayList<>();
      for (Type t : s.getFields()) {
        ParquetField.of(s, t.getName()).ifPresent(f -> cols.add(new Column(f.name(), f.type())));
      }
      return new RowSchema(cols);
    }
  }

  /**
   * Opens {@code file} for the given columns (distinct names). A column whose type is null is read in its
   * natural type; otherwise the file's type must equal it or widen to it (int32 to int64, float to double).
   */
  static ParquetFileRows open(Path file, String display, List<Column> wanted) throws IOException {
    return open(new PathInputFile(file), display, wanted);
  }

  static ParquetFileRows open(InputFile file, String display, List<Column> wanted) throws IOException {
    ParquetFileReader r = openReader(file, display);
    try {
      MessageType fileSchema = r.getFooter().getFileMetaData().getSchema();
      List<Type> fields = new ArrayList<>();
      List<Column> out = new ArrayList<>();
      Leaf[] leaves = new Leaf[wanted.size()];
      for (int i = 0; i < wanted.size(); i++) {
        Column c = wanted.get(i);
        if (!fileSchema.containsField(c.name())) {
          throw new IOException(display + " has no column '" + c.name() + "' (it has: "
              + String.join(", ", fileSchema.getFields().stream().map(Type::getName).toList()) + ")");
        }
        Optional<ParquetField> f = ParquetField.of(fileSchema, c.name());
        if (f.isEmpty()) {
          throw new IOException("column '" + c.name() + "' in " + display + " has a Parquet type Larder cannot read: "
              + ParquetField.describe(fileSchema, c.name()));
        }
        ValueType natural = f.get().type();
        ValueType target = c.type() == null ? natural : c.type();
        TypeRules.requireReadable(natural, target, c.name(), display);
        fields.add(fileSchema.getType(c.name()));
        out.add(new Column(c.name(), target));
        leaves[i] = new Leaf(f.get(), ParquetSlot.of(f.get().leaf(), TypeRules.element(natural), TypeRules.element(target)),
            f.get().list() ? null : ParquetSlot.raw(f.get().leaf(), natural, target));
      }
      MessageType projection = new MessageType(fileSchema.getName(), fields);
      r.setRequestedSchema(projection);
      for (Leaf l : leaves) {
        l.descriptor = projection.getColumnDescription(l.field.leafPath());
        l.maxDef = l.descriptor.getMaxDefinitionLevel();
      }
      return new ParquetFileRows(r, display, new RowSchema(out), projection, leaves);
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  static ParquetFileReader openReader(Path file, String display) throws IOException {
    try {
      ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
      return ParquetFileReader.open(new LocalInputFile(file), options);
    } catch (IOException | RuntimeException e) {
      throw new IOException(FileContent.notParquet(file, display, e.getMessage()), e);
    }
  }

  /** Opens a file of any storage; a local one keeps the local reader (and its detailed messages). */
  static ParquetFileReader openReader(InputFile file, String display) throws IOException {
    if (file instanceof PathInputFile local) {
      return openReader(local.path, display);
    }
    try {
      ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
      return ParquetFileReader.open(file, options);
    } catch (IOException | RuntimeException e) {
      throw new IOException(display + ": not a readable Parquet file ("
          + dev.larder.storage.Storage.shared().settings().redact(String.valueOf(e.getMessage())) + ")");
    }
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  /** Total rows in the file according to its footer. */
  long rowCount() {
    return reader.getRecordCount();
  }

  @Override
  public Object[] next() throws IOException {
    try {
      while (rowInGroup == rowsInGroup) {
        if (!nextGroup()) {
          return null;
        }
      }
      Object[] row = new Object[leaves.length];
      for (int i = 0; i < leaves.length; i++) {
        row[i] = leaves[i].field.list() ? readList(leaves[i]) : readScalar(leaves[i]);
      }
      rowInGroup++;
      rowNumber++;
      return row;
    } catch (RuntimeException e) {
      throw new IOException(display + " row " + (rowNumber + 1) + ": corrupt or truncated Parquet data ("
          + e.getMessage() + ")", e);
    }
  }

  /** Whether every column is a fixed-width scalar, so that {@link #nextRaw} applies. */
  boolean rawReadable() {
    for (Leaf l : leaves) {
      if (l.raw == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads up to {@code max} rows column by column in raw form (see {@link ParquetSlot#raw}): value of column c
   * in row r at {@code raw[c][r]}, {@code nulls[c][r]} set when it is null. No object is made per value, which
   * is what bulk loading needs. Only when {@link #rawReadable()}; may be mixed with {@link #next()}.
   *
   * @return rows read, fewer than {@code max} only within the last row group's end; 0 at the end of the file
   */
  int nextRaw(long[][] raw, boolean[][] nulls, int max) throws IOException {
    try {
      while (rowInGroup == rowsInGroup) {
        if (!nextGroup()) {
          return 0;
        }
      }
      int n = (int) Math.min(max, rowsInGroup - rowInGroup);
      for (int c = 0; c < leaves.length; c++) {
        Leaf l = leaves[c];
        ColumnReader r = l.reader;
        ParquetSlot.RawRead read = l.raw;
        long[] values = raw[c];
        boolean[] isNull = nulls[c];
        for (int i = 0; i < n; i++) {
          if (r.getCurrentDefinitionLevel() == l.maxDef) {
            values[i] = read.read(r);
            isNull[i] = false;
          } else {
            isNull[i] = true;
          }
          r.consume();
        }
        l.remaining -= n;
      }
      rowInGroup += n;
      rowNumber += n;
      return n;
    } catch (RuntimeException e) {
      throw new IOException(display + " rows after " + rowNumber + ": corrupt or truncated Parquet data ("
          + e.getMessage() + ")", e);
    }
  }

  private boolean nextGroup() throws IOException {
    PageReadStore pages;
    try {
      pages = reader.readNextRowGroup();
    } catch (IOException | RuntimeException e) {
      throw new IOException(display + " row group " + group + ": corrupt or truncated Parquet data ("
          + e.getMessage() + ")", e);
    }
    if (pages == null) {
      return false;
    }
    group++;
    rowsInGroup = pages.getRowCount();
    rowInGroup = 0;
    ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, root, projection, createdBy);
    for (Leaf l : leaves) {
      l.reader = store.getColumnReader(l.descriptor);
      l.remaining = l.reader.getTotalValueCount();
    }
    return true;
  }

  private static Object readScalar(Leaf l) {
    ColumnReader r = l.reader;
    Object v = null;
    if (r.getCurrentDefinitionLevel() == l.maxDef) {
      r.writeCurrentValueToConverter();
      v = l.slot.value;
    }
    r.consume();
    l.remaining--;
    return v;
  }

  private static Object readList(Leaf l) {
    ColumnReader r = l.reader;
    int def = r.getCurrentDefinitionLevel();
    if (def < l.field.listDefinedLevel()) {
      r.consume();
      l.remaining--;
      return null;
    }
    List<Object> out = new ArrayList<>();
    if (def == l.field.listDefinedLevel()) {
      r.consume();
      l.remaining--;
      return out;
    }
    do {
      if (r.getCurrentDefinitionLevel() == l.maxDef) {
        r.writeCurrentValueToConverter();
        out.add(l.slot.value);
      } else {
        out.add(null);
      }
      r.consume();
      l.remaining--;
    } while (l.remaining > 0 && r.getCurrentRepetitionLevel() > 0);
    return out;
  }

  long rowNumber() {
    return rowNumber;
  }

  @Override
  public String position() {
    return display + " row " + rowNumber;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** The converter tree parquet-java walks to find each leaf's converter: our slots at the leaves. */
  private static GroupConverter route(GroupType type, Leaf[] leaves) {
    Map<String, ParquetSlot> byPath = new HashMap<>();
    for (Leaf l : leaves) {
      byPath.put(String.join("\u0000", l.field.leafPath()), l.slot);
    }
    return group(type, "", byPath);
  }

  private static GroupConverter group(GroupType type, String prefix, Map<String, ParquetSlot> slots) {
    Converter[] children = new Converter[type.getFieldCount()];
    for (int i = 0; i < children.length; i++) {
      Type t = type.getType(i);
      String path = prefix.isEmpty() ? t.getName() : prefix + "\u0000" + t.getName();
      children[i] = t.isPrimitive() ? slots.get(path) : group(t.asGroupType(), path, slots);
    }
    return new GroupConverter() {
      @Override
      public Converter getConverter(int fieldIndex) {
        return children[fieldIndex];
      }

      @Override
      public void start() {}

      @Override
      public void end() {}
    };
  }

  private static final class Leaf {
    final ParquetField field;
    final ParquetSlot slot;
    /** Null when the column has no raw form. */
    final ParquetSlot.RawRead raw;
    ColumnDescriptor descriptor;
    int maxDef;
    ColumnReader reader;
    long remaining;

    Leaf(ParquetField field, ParquetSlot slot, ParquetSlot.RawRead raw) {
      this.field = field;
      this.slot = slot;
      this.raw = raw;
    }
  }
}
