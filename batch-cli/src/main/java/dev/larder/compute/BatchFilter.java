package dev.larder.compute;

import dev.larder.aggregate.Filter;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.SourceColumns;
import dev.larder.offline.StringCodes;
import dev.larder.join.RawBatches;
import dev.larder.value.RowSchema;
import java.util.Arrays;

/**
 * An aggregation input's {@link Filter} applied to rows of {@link SourceColumns} batches. The filter itself
 * (its semantics, three-valued logic included) is evaluated by {@link Filter#test} as on the row path; what
 * this adds is how often: a filter that reads one string column, such as {@code event_type = 'purchase'}, is
 * evaluated once per distinct value (per {@link StringCodes} code) and remembered, so rows cost an array
 * lookup. Other filters get a row holding the boxed values of just the columns they read.
 */
final class BatchFilter {
  private static final byte UNKNOWN = 0;
  private static final byte PASS = 1;
  private static final byte FAIL = 2;

  private final Filter filter;
  private final RowSchema schema;
  private final int[] columns;
  private final Object[] row;
  /** The one string column the filter reads, or -1. */
  private final int coded;
  private byte[] verdicts = new byte[64];
  private byte nullVerdict = UNKNOWN;

  BatchFilter(Filter filter, RowSchema schema) {
    this.filter = filter;
    this.schema = schema;
    this.columns = filter.columns().stream().mapToInt(schema::indexOf).toArray();
    this.row = new Object[schema.size()];
    this.coded = columns.length == 1 && schema.column(columns[0]).type() == ValueType.STRING ? columns[0] : -1;
  }

  boolean passesAll() {
    return filter.isAll();
  }

  /** Whether row {@code r} of the batch passes. */
  boolean test(SourceColumns.Batch b, int r) {
    if (coded >= 0) {
      if (b.nulls[coded][r]) {
        if (nullVerdict == UNKNOWN) {
          nullVerdict = evaluate(b, r) ? PASS : FAIL;
        }
        return nullVerdict == PASS;
      }
      int code = (int) b.raw[coded][r];
      if (code >= 0) {
        if (code >= verdicts.length) {
          verdicts = Arrays.copyOf(verdicts, Math.max(code + 1, verdicts.length * 2));
        }
        byte v = verdicts[code];
        if (v == UNKNOWN) {
          v = evaluate(b, r) ? PASS : FAIL;
          verdicts[code] = v;
        }
        return v == PASS;
      }
    }
    return evaluate(b, r);
  }

  private boolean evaluate(SourceColumns.Batch b, int r) {
    for (int c : columns) {
      row[c] = javaValue(schema.column(c).type(), b, c, r);
    }
    return filter.test(row);
  }

  /** Column c of row r in Larder's Java form (as {@code SourceReaders} rows hold it), or null. */
  static Object javaValue(ValueType type, SourceColumns.Batch b, int c, int r) {
    if (b.nulls[c][r]) {
      return null;
    }
    // Fixed-width values use the one raw form of the project (RawBatches); strings are dictionary codes.
    return type == ValueType.STRING ? b.string(c, r) : RawBatches.box(type, b.raw[c][r]);
  }
}
