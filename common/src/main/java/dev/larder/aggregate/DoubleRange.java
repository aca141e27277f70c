package dev.larder.aggregate;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.ValueType;

/**
 * sum, avg, min and max of FLOAT/DOUBLE inputs over a sliding window, with the two-stack queue: the window is
 * split at {@code mid} into a front [tail, mid), whose suffix aggregates are precomputed, and a back
 * [mid, head), aggregated as events enter. An eviction that empties the front rebuilds it from the back, so
 * each event is combined O(1) times amortized. Unlike add-and-subtract, this never subtracts, so a sum does not
 * keep rounding residue of values that left the window (1e20 + 1 - 1e20 stays 1). Memory: one double per
 * event of the entity (the suffix array).
 */
final class DoubleRange extends Accumulator {
  private final Aggregation.Function function;
  private final ValueType type;
  private final double identity;
  private double[] suffix = new double[16];
  private int base;
  private int tail;
  private int mid;
  private int head;
  private double back;
  private long count;

  DoubleRange(int input, Aggregation.Function function, ValueType type) {
    super(input);
    this.function = function;
    this.type = type;
    this.identity = switch (function) {
      case MIN -> Double.POSITIVE_INFINITY;
      case MAX -> Double.NEGATIVE_INFINITY;
      default -> 0.0;
    };
  }

  private double combine(double a, double b) {
    return switch (function) {
      case MIN -> Math.min(a, b);
      case MAX -> Math.max(a, b);
      default -> a + b;
    };
  }

  private double valueOrIdentity(int k) {
    return present(k) ? block.doubleValue(input, event(k)) : identity;
  }

  @Override
  void reset(EventBlock block, int[] order, int from, int to) {
    super.reset(block, order, from, to);
    if (suffix.length < to - from + 1) {
      suffix = new double[Math.max(to - from + 1, suffix.length * 2)];
    }
    base = from;
    tail = mid = head = from;
    back = identity;
    count = 0;
  }

  @Override
  void add(int k) {
    head = k + 1;
    if (present(k)) {
      back = combine(back, block.doubleValue(input, event(k)));
      count++;
    }
  }

  @Override
  void evict(int k) {
    if (k == mid) {
      // Front is empty: move the back into it, computing suffix aggregates from the newest event down.
      double acc = identity;
      for (int j = head - 1; j >= k; j--) {
        acc = combine(valueOrIdentity(j), acc);
        suffix[j - base] = acc;
      }
      mid = head;
      back = identity;
    }
    if (present(k)) count--;
    tail = k + 1;
  }

  @Override
  Object result() {
    if (count == 0) return null;
    double front = tail < mid ? suffix[tail - base] : identity;
    double r = combine(front, back);
    return function == Aggregation.Function.AVG ? (Object) (r / count)
        : function == Aggregation.Function.SUM ? (Object) r
        : outDouble(r, type);
  }
}
