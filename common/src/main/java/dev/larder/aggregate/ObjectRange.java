package dev.larder.aggregate;

/**
 * min and max of STRING inputs (any Comparable) over a sliding window, with the same two-stack queue as
 * {@link DoubleRange}; null stands for "no value". Memory: one reference per event of the entity.
 */
final class ObjectRange extends Accumulator {
  private final boolean max;
  private Object[] suffix = new Object[16];
  private int base;
  private int tail;
  private int mid;
  private int head;
  private Object back;

  ObjectRange(int input, boolean max) {
    super(input);
    this.max = max;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object combine(Object a, Object b) {
    if (a == null) return b;
    if (b == null) return a;
    int c = ((Comparable) a).compareTo(b);
    return max ? (c >= 0 ? a : b) : (c <= 0 ? a : b);
  }

  @Override
  void reset(EventBlock block, int[] order, int from, int to) {
    super.reset(block, order, from, to);
    if (suffix.length < to - from + 1) {
      suffix = new Object[Math.max(to - from + 1, suffix.length * 2)];
    }
    base = from;
    tail = mid = head = from;
    back = null;
  }

  @Override
  void add(int k) {
    head = k + 1;
    back = combine(back, block.value(input, event(k)));
  }

  @Override
  void evict(int k) {
    if (k == mid) {
      Object acc = null;
      for (int j = head - 1; j >= k; j--) {
        acc = combine(block.value(input, event(j)), acc);
        suffix[j - base] = acc;
      }
      mid = head;
      back = null;
    }
    suffix[k - base] = null;
    tail = k + 1;
  }

  @Override
  Object result() {
    Object front = tail < mid ? suffix[tail - base] : null;
    return combine(front, back);
  }
}
