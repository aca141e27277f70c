package dev.larder.aggregate;

import dev.larder.core.v1.ValueType;

/**
 * The state of one aggregation over a sliding window of one entity's events. Events are addressed by their
 * position k in the entity's time order (the block index is {@code order[k]}); they enter at the head and leave
 * at the tail in that order (a FIFO window), which is what makes every function O(1) amortized per event.
 */
abstract class Accumulator {
  protected final int input;
  protected EventBlock block;
  protected int[] order;

  Accumulator(int input) {
    this.input = input;
  }

  /** Starts a new entity whose events are positions [from, to). */
  void reset(EventBlock block, int[] order, int from, int to) {
    this.block = block;
    this.order = order;
  }

  /** Position k (the next after the previous add) enters the window. */
  abstract void add(int k);

  /** Position k (the oldest in the window) leaves it. */
  abstract void evict(int k);

  /**
   * Position k (the next after the previous add) enters and leaves at once because it is older than the
   * window, which is empty before and after. Same effect as {@code add(k); evict(k)}, which is the default;
   * accumulators whose state does not track positions do nothing.
   */
  void skip(int k) {
    add(k);
    evict(k);
  }

  /** The aggregate of the window now, in the output type's Java form, or null. */
  abstract Object result();

  protected final int event(int k) {
    return order == null ? k : order[k];
  }

  protected final boolean present(int k) {
    return block.present(input, event(k));
  }

  static Object outLong(long v, ValueType type) {
    return type == ValueType.INT32 ? (Object) (int) v : (Object) v;
  }

  static Object outDouble(double v, ValueType type) {
    return type == ValueType.FLOAT ? (Object) (float) v : (Object) v;
  }

  /** count: present events in the window. */
  static final class Count extends Accumulator {
    private long count;

    Count(int input) {
      super(input);
    }

    @Override
    void reset(EventBlock block, int[] order, int from, int to) {
      super.reset(block, order, from, to);
      count = 0;
    }

    @Override
    void add(int k) {
      if (present(k)) count++;
    }

    @Override
    void evict(int k) {
      if (present(k)) count--;
    }

    @Override
    void skip(int k) {
    }

    @Override
    Object result() {
      return count;
    }
  }

  /** sum and avg of integer inputs: exact with add and subtract (two's complement makes removal exact). */
  static final class LongSum extends Accumulator {
    private final boolean average;
    private long sum;
    private long count;

    LongSum(int input, boolean average) {
      super(input);
      this.average = average;
    }

    @Override
    void reset(EventBlock block, int[] order, int from, int to) {
      super.reset(block, order, from, to);
      sum = 0;
      count = 0;
    }

    @Override
    void add(int k) {
      if (present(k)) {
        sum += block.longValue(input, event(k));
        count++;
      }
    }

    @Override
    void evict(int k) {
      if (present(k)) {
        sum -= block.longValue(input, event(k));
        count--;
      }
    }

    @Override
    void skip(int k) {
    }

    @Override
    Object result() {
      if (count == 0) return null;
      return average ? (Object) ((double) sum / count) : (Object) sum;
    }
  }

  /** last: the latest present event entered; it is in the window as long as the tail has not passed it. */
  static final class Last extends Accumulator {
    private final ValueType type;
    private int last;
    private int tail;

    Last(int input, ValueType type) {
      super(input);
      this.type = type;
    }

    @Override
    void reset(EventBlock block, int[] order, int from, int to) {
      super.reset(block, order, from, to);
      last = -1;
      tail = from;
    }

    @Override
    void add(int k) {
      if (present(k)) last = k;
    }

    @Override
    void evict(int k) {
      tail = k + 1;
    }

    @Override
    void skip(int k) {
      tail = k + 1;
    }

    @Override
    Object result() {
      if (last < tail) return null;
      int e = event(last);
      return switch (block.inputs().input(input).kind()) {
        case LONG -> outLong(block.longValue(input, e), type);
        case DOUBLE -> outDouble(block.doubleValue(input, e), type);
        default -> block.value(input, e);
      };
    }
  }
}
