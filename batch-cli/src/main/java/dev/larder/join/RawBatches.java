package dev.larder.join;

import dev.larder.core.v1.ValueType;
import dev.larder.value.RowSchema;
import java.io.IOException;

/**
 * History rows in batches of primitive columns, one {@code long} per value, for views whose columns are all
 * fixed-width: reading tens of millions of history rows as boxed {@code Object[]} rows costs more than the join.
 * Raw forms: INT32, INT64 and TIMESTAMP their value, FLOAT {@link Float#floatToRawIntBits}, DOUBLE
 * {@link Double#doubleToRawLongBits}, BOOL 0 or 1 (as {@code dev.larder.online.FeatureRowCodec} defines them).
 */
public interface RawBatches extends AutoCloseable {
  /** The columns, as in {@link HistorySource#open}: join keys, event and created timestamps, features. */
  RowSchema schema();

  /** Reads the next batch; returns its row count, 0 at the end. */
  int next() throws IOException;

  /** Column c of row r of the current batch at {@code raw()[c][r]}. */
  long[][] raw();

  /** Whether the value of column c in row r of the current batch is null: {@code nulls()[c][r]}. */
  boolean[][] nulls();

  @Override
  void close() throws IOException;

  /** Whether values of this type have a raw form (see the class comment). */
  static boolean hasRawForm(ValueType type) {
    return switch (type) {
      case INT32, INT64, TIMESTAMP, FLOAT, DOUBLE, BOOL -> true;
      default -> false;
    };
  }

  /** The Java value of a raw value of type {@code type} (see the class comment). */
  static Object box(ValueType type, long raw) {
    return switch (type) {
      case INT32 -> (int) raw;
      case INT64, TIMESTAMP -> raw;
      case FLOAT -> Float.intBitsToFloat((int) raw);
      case DOUBLE -> Double.longBitsToDouble(raw);
      case BOOL -> raw != 0;
      default -> throw new IllegalArgumentException(type + " has no raw form");
    };
  }
}
