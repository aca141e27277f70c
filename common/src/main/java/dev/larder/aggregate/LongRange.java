package dev.larder.aggregate;

import dev.larder.core.v1.ValueType;

/**
 * min and max of INT32/INT64/TIMESTAMP inputs over a sliding window, with the same two-stack queue as
 * {@link DoubleRange}. Memory: one long per event of the entity.
 */
final class LongRange extends Accumulator {
  private final boolean max;
  private final ValueType type;
  private final long identity;
  private long[] suffix = new long[16];
  private int base;
  private int tail;
  private int mid;
  private int head;
  private long back;
  private long count;

  LongRange(int input, boolean max, ValueType type) {
    super(input);
    this.max = max;
    this.type = type;
    this.identity = max ? Long.MIN_VALUE : Long.MAX_VALUE;
  }

  private long combine(long a, long b) {
    return max ? Math.max(a, b) : Math.min(a, b);
  }

  @Override
  void reset(EventBlock block, int[] order, int from, int to) {
    super.reset(block, order, from, to);
    if (suffix.length < to - from + 1) {
      suffix = new long[Math.max(to - from + 1, suffix.length * 2)];
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
      back = combine(back, block.longValue(input, event(k)));
      count++;
    }
  }

  @Override
  void evict(int k) {
    if (k == mid) {
      long acc = identity;
      for (int j = head - 1; j >= k; j--) {
        if (present(j)) {
          acc = combine(block.longValue(input, event(j)), acc);
        }
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
    long front = tail < mid ? suffix[tail - base] : identity;
    return outLong(combine(front, back), type);
  }
}
