package dev.larder.aggregate;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.ValueType;
import dev.larder.time.Durations;
import dev.larder.value.Values;

/**
 * The typing rules of aggregation features, defined once so that {@code apply} (validation), {@code compute}
 * (the Parquet column types it writes) and serving agree on what type each aggregation produces.
 */
public final class Aggregations {
  private Aggregations() {}

  /**
   * The type an aggregation produces from an input column of type {@code input}.
   *
   * <ul>
   *   <li>COUNT, COUNT_DISTINCT: INT64 (COUNT accepts any input or none; COUNT_DISTINCT any non-list input)</li>
   *   <li>SUM: INT64 for INT32/INT64 input, DOUBLE for FLOAT/DOUBLE input</li>
   *   <li>AVG: DOUBLE for numeric input</li>
   *   <li>MIN, MAX: the input type, for numeric, TIMESTAMP and STRING input</li>
   *   <li>LAST: the input type, any input</li>
   * </ul>
   *
   * @param input the input column's type; null or VALUE_TYPE_UNSPECIFIED only for COUNT without a column
   * @throws IllegalArgumentException saying which input types fit the function
   */
  public static ValueType outputType(Aggregation.Function function, ValueType input) {
    boolean none = input == null || input == ValueType.VALUE_TYPE_UNSPECIFIED || input == ValueType.UNRECOGNIZED;
    switch (function) {
      case COUNT:
        return ValueType.INT64;
      case COUNT_DISTINCT:
        require(!none && !Values.isList(input), function, input, "any non-list column");
        return ValueType.INT64;
      case SUM:
        require(!none && Values.isNumeric(input), function, input, "int32, int64, float or double");
        return input == ValueType.INT32 || input == ValueType.INT64 ? ValueType.INT64 : ValueType.DOUBLE;
      case AVG:
        require(!none && Values.isNumeric(input), function, input, "int32, int64, float or double");
        return ValueType.DOUBLE;
      case MIN:
      case MAX:
        require(!none && (Values.isNumeric(input) || input == ValueType.TIMESTAMP || input == ValueType.STRING),
            function, input, "int32, int64, float, double, timestamp or string");
        return input;
      case LAST:
        require(!none, function, input, "a column of any type");
        return input;
      default:
        throw new IllegalArgumentException("aggregation function is missing; expected one of "
            + "count, sum, min, max, avg, count_distinct, last");
    }
  }

  /** Whether the function needs an input column (every function but COUNT does). */
  public static boolean needsColumn(Aggregation.Function function) {
    return function != Aggregation.Function.COUNT;
  }

  /**
   * A window's length in microseconds, {@link Long#MAX_VALUE} for {@code lifetime} (or empty).
   *
   * @throws IllegalArgumentException naming what was expected
   */
  public static long windowMicros(String window) {
    return Durations.toMicros(Durations.parse(window));
  }

  /** Lower-case function name as users write it, e.g. {@code count_distinct}. */
  public static String name(Aggregation.Function function) {
    return function.name().toLowerCase();
  }

  private static void require(boolean ok, Aggregation.Function f, ValueType input, String fits) {
    if (!ok) {
      String got = input == null || input == ValueType.VALUE_TYPE_UNSPECIFIED ? "no column" : Values.typeName(input);
      throw new IllegalArgumentException(name(f) + " does not apply to " + got + "; it takes " + fits);
    }
  }
}
