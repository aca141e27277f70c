package dev.larder.aggregate;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import dev.larder.value.Values;

/**
 * One aggregation feature, resolved against the columns of its source: which function, over which column
 * (by index; -1 for a row count), with which compiled filter and window, producing which type.
 *
 * @param windowMicros window length in microseconds; {@link Long#MAX_VALUE} for lifetime
 */
public record AggregateSpec(String name, Aggregation.Function function, int column, ValueType inputType,
                            Filter filter, long windowMicros, ValueType outputType) {

  /**
   * Resolves a feature of an aggregation view against its source's columns.
   *
   * @throws IllegalArgumentException (or {@link FilterSyntaxException}) naming the feature and what is wrong:
   *     a missing or unknown column, an input type the function does not take, a bad window or filter, or a
   *     declared type that differs from the type the aggregation produces
   */
  public static AggregateSpec of(Feature feature, RowSchema source) {
    Aggregation a = feature.getAggregation();
    String where = "feature '" + feature.getName() + "': ";
    int column = -1;
    ValueType input = null;
    if (!a.getColumn().isEmpty()) {
      column = source.indexOf(a.getColumn());
      if (column < 0) {
        throw new IllegalArgumentException(where + "unknown column '" + a.getColumn() + "'; the source has "
            + source.columns().stream().map(Column::name).toList());
      }
      input = source.column(column).type();
    } else if (Aggregations.needsColumn(a.getFunction())) {
      throw new IllegalArgumentException(where + Aggregations.name(a.getFunction()) + " needs a column");
    }
    ValueType output;
    long window;
    try {
      output = Aggregations.outputType(a.getFunction(), input);
      window = Aggregations.windowMicros(a.getWindow());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
    ValueType declared = feature.getType();
    if (declared != ValueType.VALUE_TYPE_UNSPECIFIED && declared != output) {
      throw new IllegalArgumentException(where + "declared " + Values.typeName(declared) + " but "
          + Aggregations.name(a.getFunction()) + " of " + (input == null ? "rows" : Values.typeName(input))
          + " produces " + Values.typeName(output));
    }
    Filter filter = Filter.parse(a.getFilter(), source);
    return new AggregateSpec(feature.getName(), a.getFunction(), column, input, filter, window, output);
  }

  public boolean isLifetime() {
    return windowMicros == Long.MAX_VALUE;
  }
}
