package dev.larder.offline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * The pages of one row group that a scan for a time range need not read at all, found in the file's page
 * index (the column index's per-page min, max and null count, and the offset index's page starts, which
 * parquet-java, Spark and Arrow write). Event files are usually written in time order, so a one-snapshot
 * compute over the last 30 of 60 days would otherwise decompress and pass over half the file.
 *
 * <p>A page is passed over only when it is certain to hold nothing the scan uses: every value of the range
 * column lies outside the range and is not null, and the columns whose null flags the scan checks for every
 * row (the join keys) have no null in it. It is therefore only done when all read columns have their pages at
 * the same rows (parquet-java's writers cut pages by row count), so a page's rows are one range for all
 * columns; files without a page index, with pages cut elsewhere, or with a range column that is not a signed
 * 64-bit integer are read whole, as before.
 *
 * @param from first row of each run of passed-over pages, ascending
 * @param to end (exclusive) of each run
 * @param value a value of the range column outside the range (the run's first page minimum, in raw form),
 *     given to the run's rows so that callers filtering by range drop them
 * @param kept the rows to read, for {@link ParquetFileReader#readFilteredRowGroup(int, RowRanges)}
 */
record PageSkips(long[] from, long[] to, long[] value, RowRanges kept) {
  static final PageSkips NONE = new PageSkips(new long[0], new long[0], new long[0], null);

  int runs() {
    return from.length;
  }

  /** True when no row of the group is read. */
  boolean all(long rows) {
    return runs() == 1 && from[0] == 0 && to[0] == rows;
  }

  /**
   * @param columns the read columns, as projected
   * @param range index of the range column in {@code columns}
   * @param raw its conversion to raw form
   * @param flagged how many leading columns need exact null flags on every row (besides the range column)
   */
  static PageSkips find(ParquetFileReader reader, BlockMetaData block, ColumnDescriptor[] columns, int range,
                        ParquetSlot.RawRead raw, long rangeFrom, long rangeUntil, int flagged) {
    PrimitiveType type = columns[range].getPrimitiveType();
    if (type.getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.INT64 || raw == null
        || type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i
        && !i.isSigned()) {
      return NONE;
    }
    try {
      ColumnChunkMetaData[] chunks = new ColumnChunkMetaData[columns.length];
      for (ColumnChunkMetaData c : block.getColumns()) {
        for (int k = 0; k < columns.length; k++) {
          if (c.getPath().equals(ColumnPath.get(columns[k].getPath()))) {
            chunks[k] = c;
          }
        }
      }
      OffsetIndex pages = reader.readOffsetIndex(chunks[range]);
      ColumnIndex index = reader.readColumnIndex(chunks[range]);
      if (pages == null || index == null || index.getNullCounts() == null) {
        return NONE;
      }
      int count = pages.getPageCount();
      boolean[] skip = new boolean[count];
      for (int p = 0; p < count; p++) {
        skip[p] = !index.getNullPages().get(p) && index.getNullCounts().get(p) == 0
            && outside(index, p, raw, rangeFrom, rangeUntil);
      }
      for (int k = 0; k < columns.length; k++) {
        if (k == range) {
          continue;
        }
        OffsetIndex other = reader.readOffsetIndex(chunks[k]);
        if (other == null || !sameRows(pages, other, count)) {
          return NONE;
        }
        if (k < flagged && columns[k].getMaxDefinitionLevel() > 0) {
          ColumnIndex nulls = reader.readColumnIndex(chunks[k]);
          if (nulls == null || nulls.getNullCounts() == null) {
            return NONE;
          }
          for (int p = 0; p < count; p++) {
            skip[p] &= nulls.getNullCounts().get(p) == 0;
          }
        }
      }
      return runs(skip, pages, index, raw, block.getRowCount());
    } catch (IOException | RuntimeException e) {
      return NONE; // an unreadable page index: read every page, which finds any real damage
    }
  }

  /** Whether every value of page {@code p} is outside {@code [from, until)}. */
  private static boolean outside(ColumnIndex index, int p, ParquetSlot.RawRead raw, long from, long until) {
    try {
      long min = rawOf(index.getMinValues().get(p), raw);
      long max = rawOf(index.getMaxValues().get(p), raw);
      return max < from || min >= until;
    } catch (ArithmeticException e) {
      return false; // millis beyond the raw (micros) range: their raw order is not the file's order
    }
  }

  /** An index bound in raw form, like {@link ParquetSlot.RawRead#fromLong} but failing where that wraps. */
  private static long rawOf(ByteBuffer bound, ParquetSlot.RawRead raw) {
    long v = bound.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    return raw.divide() != 1 ? raw.fromLong(v) : Math.multiplyExact(v, raw.multiply());
  }

  private static boolean sameRows(OffsetIndex a, OffsetIndex b, int count) {
    if (b.getPageCount() != count) {
      return false;
    }
    for (int p = 0; p < count; p++) {
      if (a.getFirstRowIndex(p) != b.getFirstRowIndex(p)) {
        return false;
      }
    }
    return true;
  }

  private static PageSkips runs(boolean[] skip, OffsetIndex pages, ColumnIndex index, ParquetSlot.RawRead raw,
                                long rows) {
    List<long[]> runs = new ArrayList<>();
    for (int p = 0; p < skip.length; p++) {
      if (!skip[p]) {
        continue;
      }
      long start = pages.getFirstRowIndex(p);
      long end = pages.getLastRowIndex(p, rows) + 1;
      if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == start) {
        runs.get(runs.size() - 1)[1] = end;
      } else {
        runs.add(new long[] {start, end, rawOf(index.getMinValues().get(p), raw)});
      }
    }
    if (runs.isEmpty()) {
      return NONE;
    }
    long[] from = new long[runs.size()];
    long[] to = new long[runs.size()];
    long[] value = new long[runs.size()];
    for (int i = 0; i < from.length; i++) {
      from[i] = runs.get(i)[0];
      to[i] = runs.get(i)[1];
      value[i] = runs.get(i)[2];
    }
    RowRanges.Builder kept = RowRanges.builder();
    for (int p = 0; p < skip.length; p++) {
      if (!skip[p]) {
        kept.addSelectedRange(pages.getFirstRowIndex(p), pages.getLastRowIndex(p, rows)); // both inclusive
      }
    }
    return new PageSkips(from, to, value, kept.build());
  }
}
