package dev.larder.aggregate;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.ValueType;

/**
 * sum, avg, min and max of FLOAT/DOUBLE inputs over a sliding window, with the two-stack queue: the window is
 * split at {@code mid} into a front [tail, mid), whose suffix aggregates are precomputed, and a back
 * [mid, head), aggregated as events enter. An eviction that empties the front rebuilds it from the back, so
 * each event is combined O(1) times amortized. Unlike add-and-subtract, this never subtracts, so a sum does not
 * keep rounding residue of values that left the window (1e20 + 1 - 1e20 stays 1). Memory: one double per
 * event of the entity (the suffix array), two for sum and avg.
 *
 * <p>Sums are compensated: each partial sum is a pair (high, low) where low holds the rounding error of high,
 * found exactly with Knuth's two-sum, so that a window's sum is the exact sum rounded once (for any window
 * below 2^53 events and values of similar magnitude), and an average divides that pair by the count with a
 * correction term. An average of equal values is then that value: 26.06 and not 26.060000000000432.
 */
final class DoubleRange extends Accumulator {
  private final Aggregation.Function function;
  private final ValueType type;
  private final double identity;
  private final boolean sums;
  private double[] suffix = new double[16];
  /** For sums: the rounding error of each suffix sum; null for min and max. */
  private double[] suffixLow;
  private int base;
  private int tail;
  private int mid;
  private int head;
  private double back;
  private double backLow;
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
    this.sums = function != Aggregation.Function.MIN && function != Aggregation.Function.MAX;
    this.suffixLow = sums ? new double[16] : null;
  }

  /** The rounding error of {@code a + b}, exactly (Knuth's two-sum; no branch, any magnitudes). */
  private static double sumError(double a, double b, double s) {
    double bv = s - a;
    double av = s - bv;
    return (a - av) + (b - bv);
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
      if (sums) {
        suffixLow = new double[suffix.length];
      }
    }
    base = from;
    tail = mid = head = from;
    back = identity;
    backLow = 0;
    count = 0;
  }

  @Override
  void add(int k) {
    head = k + 1;
    if (present(k)) {
      double v = block.doubleValue(input, event(k));
      if (sums) {
        double s = back + v;
        backLow += sumError(back, v, s);
        back = s;
      } else {
        back = combine(back, v);
      }
      count++;
    }
  }

  @Override
  void evict(int k) {
    if (k == mid) {
      // Front is empty: move the back into it, computing suffix aggregates from the newest event down.
      double acc = identity;
      double low = 0;
      for (int j = head - 1; j >= k; j--) {
        if (sums) {
          double v = valueOrIdentity(j);
          double s = v + acc;
          low += sumError(v, acc, s);
          acc = s;
          suffixLow[j - base] = low;
        } else {
          acc = combine(valueOrIdentity(j), acc);
        }
        suffix[j - base] = acc;
      }
      mid = head;
      back = identity;
      backLow = 0;
    }
    if (present(k)) count--;
    tail = k + 1;
  }

  @Override
  Object result() {
    if (count == 0) return null;
    double front = tail < mid ? suffix[tail - base] : identity;
    if (!sums) {
      return outDouble(combine(front, back), type);
    }
    double frontLow = tail < mid ? suffixLow[tail - base] : 0;
    double high = front + back;
    if (!Double.isFinite(high)) {
      return function == Aggregation.Function.AVG ? high / count : high; // infinities and NaN have no error terms
    }
    double low = frontLow + backLow + sumError(front, back, high);
    if (function == Aggregation.Function.SUM) {
      return high + low;
    }
    // (high + low) / count with the quotient's remainder: q + (high - q * count + low) / count, the remainder
    // exact by fma, so that equal values average to themselves.
    double q = high / count;
    double remainder = Math.fma(-q, (double) count, high) + low;
    return q + remainder / count;
  }
}
