package dev.larder.offline;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads requested columns of one Parquet file into primitive arrays, a row group's column chunks at a time
 * through {@link ChunkDecoder}s: the columnar twin of {@link ParquetFileRows} (which stays the reader for
 * lists, bytes, decimals and other columns this does not cover), for scans of many millions of rows.
 */
final class ParquetColumns implements Closeable {
  private final ParquetFileReader reader;
  private final String display;
  private final ColumnDescriptor[] descriptors;
  private final ParquetSlot.RawRead[] raws;
  private final StringCodes[] codes;
  private ChunkDecoder[] decoders;
  private int rangeColumn = -1;
  private long from;
  private long until;
  private int flagged;
  private boolean[] skip;
  private int group = -1;
  private PageSkips passed = PageSkips.NONE;
  private int run;
  private long rowsInGroup;
  private long rowInGroup;
  private long rowNumber;

  private ParquetColumns(ParquetFileReader reader, String display, ColumnDescriptor[] descriptors,
                         ParquetSlot.RawRead[] raws, StringCodes[] codes) {
    this.reader = reader;
    this.display = display;
    this.descriptors = descriptors;
    this.raws = raws;
    this.codes = codes;
  }

  /**
   * Opens {@code file} for {@code wanted} (file column names, types as {@link ParquetFileRows#open} reads them),
   * or empty when a column is missing, of a type that does not read as wanted, or not covered: a list, or
   * a leaf without a raw form that is not a UTF-8 string. {@code codes[i]} codes string column i.
   */
  static Optional<ParquetColumns> open(Path file, String display, List<Column> wanted, StringCodes[] codes)
      throws IOException {
    return open(new PathInputFile(file), display, wanted, codes);
  }

  static Optional<ParquetColumns> open(org.apache.parquet.io.InputFile file, String display, List<Column> wanted,
      StringCodes[] codes) throws IOException {
    ParquetFileReader r = ParquetFileRows.openReader(file, display);
    try {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      List<Type> fields = new ArrayList<>();
      ParquetSlot.RawRead[] raws = new ParquetSlot.RawRead[wanted.size()];
      for (int i = 0; i < wanted.size(); i++) {
        Column c = wanted.get(i);
        Optional<ParquetField> f = schema.containsField(c.name()) ? ParquetField.of(schema, c.name()) : Optional.empty();
        if (f.isEmpty() || f.get().list() || !TypeRules.readable(f.get().type(), c.type())) {
          r.close();
          return Optional.empty();
        }
        raws[i] = ParquetSlot.raw(f.get().leaf(), f.get().type(), c.type());
        boolean string = c.type() == ValueType.STRING && codes[i] != null
            && f.get().leaf().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY;
        if (raws[i] == null && !string) {
          r.close();
          return Optional.empty();
        }
        fields.add(schema.getType(c.name()));
      }
      MessageType projection = new MessageType(schema.getName(), fields);
      r.setRequestedSchema(projection);
      ColumnDescriptor[] descriptors = new ColumnDescriptor[wanted.size()];
      for (int i = 0; i < descriptors.length; i++) {
        descriptors[i] = projection.getColumnDescription(new String[] {wanted.get(i).name()});
      }
      return Optional.of(new ParquetColumns(r, display, descriptors, raws, codes));
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /**
   * Lets {@link #next} pass over the values of rows whose column {@code column} is null or outside
   * {@code [from, until)}: such rows get the null flags of that column and of the first {@code flagged}
   * columns, and a value of that column that is outside the range, but their other values are undefined
   * (other columns may read as not null). Whole pages of such rows are not read at all when the file's page
   * index shows them to be such ({@link PageSkips}).
   */
  void onlyNeed(int column, long from, long until, int flagged) {
    this.rangeColumn = column;
    this.from = from;
    this.until = until;
    this.flagged = flagged;
  }

  /** Rows read so far. */
  long rowNumber() {
    return rowNumber;
  }

  /**
   * Reads up to {@code max} rows (never across a row group's end): see {@link SourceColumns.Batch} for the layout.
   *
   * @return rows read; 0 at the end of the file
   */
  int next(long[][] raw, boolean[][] nulls, String[][] strings, int max) throws IOException {
    try {
      while (rowInGroup == rowsInGroup) {
        if (!nextGroup()) {
          return 0;
        }
      }
      if (run < passed.runs() && rowInGroup >= passed.from()[run]) {
        return passOver(raw, nulls, max);
      }
      long end = run < passed.runs() ? passed.from()[run] : rowsInGroup;
      int n = (int) Math.min(max, end - rowInGroup);
      boolean[] passOver = null;
      if (rangeColumn >= 0) {
        decoders[rangeColumn].read(raw[rangeColumn], nulls[rangeColumn], strings[rangeColumn], null, n);
        if (skip == null || skip.length < n) {
          skip = new boolean[Math.max(n, max)];
        }
        long[] v = raw[rangeColumn];
        boolean[] isNull = nulls[rangeColumn];
        for (int r = 0; r < n; r++) {
          skip[r] = isNull[r] || v[r] < from || v[r] >= until;
        }
        passOver = skip;
      }
      for (int c = 0; c < decoders.length; c++) {
        if (c != rangeColumn) {
          decoders[c].read(raw[c], nulls[c], strings[c], passOver, n);
        }
      }
      rowInGroup += n;
      rowNumber += n;
      return n;
    } catch (IOException | RuntimeException e) {
      throw new IOException(display + " rows after " + rowNumber + ": corrupt or truncated Parquet data ("
          + e.getMessage() + ")", e);
    }
  }

  /** Rows of a run of pages that were not read: not null, and outside the range. */
  private int passOver(long[][] raw, boolean[][] nulls, int max) {
    int n = (int) Math.min(max, passed.to()[run] - rowInGroup);
    for (boolean[] columnNulls : nulls) {
      Arrays.fill(columnNulls, 0, n, false);
    }
    Arrays.fill(raw[rangeColumn], 0, n, passed.value()[run]);
    rowInGroup += n;
    rowNumber += n;
    if (rowInGroup == passed.to()[run]) {
      run++;
    }
    return n;
  }

  private boolean nextGroup() throws IOException {
    List<BlockMetaData> groups = reader.getRowGroups();
    if (++group >= groups.size()) {
      return false;
    }
    BlockMetaData block = groups.get(group);
    rowsInGroup = block.getRowCount();
    rowInGroup = 0;
    run = 0;
    passed = rangeColumn < 0 ? PageSkips.NONE
        : PageSkips.find(reader, block, descriptors, rangeColumn, raws[rangeColumn], from, until, flagged);
    decoders = null;
    if (passed.all(rowsInGroup)) {
      return true;
    }
    PageReadStore pages = passed.runs() == 0 ? reader.readRowGroup(group)
        : reader.readFilteredRowGroup(group, passed.kept());
    decoders = new ChunkDecoder[descriptors.length];
    for (int c = 0; c < descriptors.length; c++) {
      decoders[c] = new ChunkDecoder(descriptors[c], pages.getPageReader(descriptors[c]),
          codes[c] == null ? raws[c] : null, codes[c]);
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
