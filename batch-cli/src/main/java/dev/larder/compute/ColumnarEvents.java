package dev.larder.compute;

import dev.larder.aggregate.Inputs;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.SourceColumns;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * {@link SourceEvents} on primitive columns: the same checks, bad-row reports (worded the same, with the
 * same file and row), time range and projection onto the aggregation inputs, done a batch of
 * {@link SourceColumns} at a time and handed on as an {@link EventBatch}, so that no object is made per
 * value. Reading the events was most of a one-snapshot computation on the row path (an {@code Object[]} per
 * row, a boxed number or decoded string per cell).
 *
 * <p>Covers sources {@link SourceColumns} covers (Parquet files of fixed-width and string columns) with a
 * single join key; {@link #read} says when it does not, and the caller then reads rows.
 */
final class ColumnarEvents {
  private final ViewJob job;
  private final RowSchema schema;
  private final Inputs inputs;
  private final int ts;
  private final BatchFilter[] filters;
  private final ValueType[] types;
  /** Per input: its column (-1 for none) and kind. */
  private final int[] inputColumns;
  private final Inputs.Kind[] kinds;

  private ColumnarEvents(ViewJob job) {
    this.job = job;
    this.schema = job.readSchema();
    this.inputs = job.inputs();
    this.ts = job.timestampIndex();
    this.filters = new BatchFilter[inputs.size()];
    this.types = new ValueType[schema.size()];
    this.inputColumns = new int[inputs.size()];
    this.kinds = new Inputs.Kind[inputs.size()];
    for (int i = 0; i < filters.length; i++) {
      filters[i] = new BatchFilter(inputs.input(i).filter(), schema);
      inputColumns[i] = inputs.input(i).column();
      kinds[i] = inputs.input(i).kind();
    }
    for (int c = 0; c < types.length; c++) {
      types[c] = schema.column(c).type();
    }
  }

  /**
   * Like {@link SourceEvents#read}, or empty (having read nothing) when the source or view is not covered.
   *
   * @return the number of good events read, including those outside the time range
   */
  static OptionalLong read(ViewJob job, Path repoDir, long from, long until, BadRows bad, EventSink sink,
                           LongConsumer progress) throws IOException {
    if (job.keyNames().size() != 1) {
      return OptionalLong.empty();
    }
    Optional<SourceColumns> opened = SourceColumns.open(job.source(), repoDir, job.readColumns(),
        job.timestampIndex(), from, until, 1);
    if (opened.isEmpty()) {
      return OptionalLong.empty();
    }
    try (SourceColumns columns = opened.get()) {
      if (!columns.schema().equals(job.readSchema())) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(new ColumnarEvents(job).readAll(columns, from, until, bad, sink, progress));
    }
  }

  private long readAll(SourceColumns columns, long from, long until, BadRows bad, EventSink sink,
                       LongConsumer progress) throws IOException {
    ValueType keyType = types[0];
    EventBatch out = new EventBatch(inputs, keyType == ValueType.INT64 || keyType == ValueType.TIMESTAMP,
        SourceColumns.BATCH);
    int[] rows = new int[SourceColumns.BATCH];
    long accepted = 0;
    for (SourceColumns.Batch b; (b = columns.next()) != null; ) {
      int n = b.size();
      boolean[] keyNull = b.nulls[0];
      boolean[] timeNull = b.nulls[ts];
      long[] times = b.raw[ts];
      long good = 0;
      int m = 0;
      for (int r = 0; r < n; r++) {
        if (keyNull[r]) {
          bad.report(BadRows.NULL_KEY, b.position(r) + ", column '" + job.keyNames().get(0) + "': join key is null");
          continue;
        }
        if (timeNull[r]) {
          bad.report(BadRows.NULL_TIMESTAMP, b.position(r) + ", column '" + job.source().getTimestampField()
              + "': event timestamp is null");
          continue;
        }
        good++;
        long time = times[r];
        if (time >= from && time < until) {
          rows[m++] = r;
        }
      }
      accepted += good;
      if (m > 0) {
        project(b, rows, m, out);
        sink.accept(out);
      }
      progress.accept(good);
    }
    return accepted;
  }

  /**
   * Projects the rows {@code rows[0, m)} of the batch onto the inputs as {@link Inputs#project} does, into
   * {@code out}; one input (one column) at a time.
   */
  private void project(SourceColumns.Batch b, int[] rows, int m, EventBatch out) {
    out.clear();
    out.size = m;
    long[] times = b.raw[ts];
    for (int e = 0; e < m; e++) {
      out.times[e] = times[rows[e]];
    }
    if (out.longKeyed) {
      long[] keys = b.raw[0];
      for (int e = 0; e < m; e++) {
        out.longKeys[e] = keys[rows[e]];
      }
    } else {
      for (int e = 0; e < m; e++) {
        out.objectKeys[e] = BatchFilter.javaValue(types[0], b, 0, rows[e]);
      }
    }
    // One small method per kind of input: each is compiled on its own, quickly, instead of one large loop
    // nest that the JIT compiles (and recompiles) for longer than a one-snapshot run lasts.
    for (int i = 0; i < filters.length; i++) {
      BatchFilter f = filters[i].passesAll() ? null : filters[i];
      int c = inputColumns[i];
      switch (kinds[i]) {
        case PRESENCE -> presence(b, rows, m, f, out.present[i]);
        case LONG -> longs(b, rows, m, f, c, out.present[i], out.longs[i]);
        case DOUBLE -> doubles(b, rows, m, f, c, types[c] == ValueType.FLOAT, out.present[i], out.doubles[i]);
        case OBJECT -> objects(b, rows, m, f, c, out, out.objects[i]);
      }
    }
  }

  private static void presence(SourceColumns.Batch b, int[] rows, int m, BatchFilter f, boolean[] present) {
    for (int e = 0; e < m; e++) {
      present[e] = f == null || f.test(b, rows[e]);
    }
  }

  private static void longs(SourceColumns.Batch b, int[] rows, int m, BatchFilter f, int c, boolean[] present,
                            long[] dst) {
    long[] src = b.raw[c];
    boolean[] isNull = b.nulls[c];
    for (int e = 0; e < m; e++) {
      int r = rows[e];
      present[e] = !isNull[r] && (f == null || f.test(b, r));
      dst[e] = src[r];
    }
  }

  private static void doubles(SourceColumns.Batch b, int[] rows, int m, BatchFilter f, int c, boolean floats,
                              boolean[] present, double[] dst) {
    long[] src = b.raw[c];
    boolean[] isNull = b.nulls[c];
    for (int e = 0; e < m; e++) {
      int r = rows[e];
      present[e] = !isNull[r] && (f == null || f.test(b, r));
      dst[e] = floats ? Float.intBitsToFloat((int) src[r]) : Double.longBitsToDouble(src[r]);
    }
  }

  private void objects(SourceColumns.Batch b, int[] rows, int m, BatchFilter f, int c, EventBatch out,
                       Object[] dst) {
    boolean[] isNull = b.nulls[c];
    for (int e = 0; e < m; e++) {
      int r = rows[e];
      Object v = !isNull[r] && (f == null || f.test(b, r)) ? BatchFilter.javaValue(types[c], b, c, r) : null;
      dst[e] = v;
      // The code first: testing a shared dictionary string's class would fetch it from memory, for nothing.
      if (b.raw[c][r] < 0 && v instanceof String s) {
        out.objectBytes += 48 + 2L * s.length(); // decoded for this row: not a shared instance
      }
    }
  }
}
