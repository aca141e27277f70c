package dev.larder.aggregate;

import dev.larder.core.v1.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * The distinct (column, filter) pairs a set of aggregations reads, and the projection of a source row onto
 * them. Projecting once at read time means filters run once per event, and only what the aggregations need
 * is kept in memory or spilled: for each input, the column's value when the filter passes and the value is
 * not null, else null ("absent"). Aggregations that share a column and a filter share the input.
 */
public final class Inputs {
  /** How an input's values are stored. */
  public enum Kind {
    /** INT32, INT64 and TIMESTAMP values, as longs. */
    LONG,
    /** FLOAT and DOUBLE values, as doubles. */
    DOUBLE,
    /** Any other type, as its Java form (strings, booleans, bytes, lists). */
    OBJECT,
    /** No column (a row count): only whether the filter passed. */
    PRESENCE
  }

  /** One input: a column index (-1 for none) of type {@code type}, under {@code filter}. */
  public record Input(int column, ValueType type, Filter filter, Kind kind) {}

  private final List<Input> inputs = new ArrayList<>();
  private final int[] inputOfSpec;

  public Inputs(List<AggregateSpec> specs) {
    inputOfSpec = new int[specs.size()];
    for (int s = 0; s < specs.size(); s++) {
      AggregateSpec spec = specs.get(s);
      int found = -1;
      for (int i = 0; i < inputs.size(); i++) {
        Input in = inputs.get(i);
        if (in.column == spec.column() && in.filter.text().equals(spec.filter().text())) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        found = inputs.size();
        inputs.add(new Input(spec.column(), spec.inputType(), spec.filter(), kindOf(spec)));
      }
      inputOfSpec[s] = found;
    }
  }

  private static Kind kindOf(AggregateSpec spec) {
    if (spec.column() < 0) {
      return Kind.PRESENCE;
    }
    return switch (spec.inputType()) {
      case INT32, INT64, TIMESTAMP -> Kind.LONG;
      case FLOAT, DOUBLE -> Kind.DOUBLE;
      default -> Kind.OBJECT;
    };
  }

  public int size() {
    return inputs.size();
  }

  public Input input(int i) {
    return inputs.get(i);
  }

  /** Index of the input the {@code spec}-th aggregation reads. */
  public int inputOf(int spec) {
    return inputOfSpec[spec];
  }

  /**
   * Writes into {@code out[i]} the value of input i for {@code row}: the column's value (Long for LONG inputs,
   * Double for DOUBLE inputs, the Java form otherwise, Boolean.TRUE for PRESENCE) when the filter passes and
   * the value is not null, else null.
   */
  public void project(Object[] row, Object[] out) {
    for (int i = 0; i < inputs.size(); i++) {
      Input in = inputs.get(i);
      Object v = in.column < 0 ? Boolean.TRUE : row[in.column];
      if (v != null && !in.filter.test(row)) {
        v = null;
      }
      if (v != null) {
        if (in.kind == Kind.LONG && !(v instanceof Long)) {
          v = ((Number) v).longValue();
        } else if (in.kind == Kind.DOUBLE && !(v instanceof Double)) {
          v = ((Number) v).doubleValue();
        }
      }
      out[i] = v;
    }
  }
}
