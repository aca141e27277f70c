package dev.larder.aggregate;

import java.nio.ByteBuffer;
import java.util.HashMap;

/**
 * count_distinct over a sliding window: a map from each distinct value in the window to how many window
 * events carry it. Memory is proportional to the distinct values in the window (about 64 bytes per distinct
 * value for the map entry and counter, plus the boxed value), the one per-entity state that is not constant.
 */
final class DistinctCount extends Accumulator {
  /** Beyond this many distinct values the map's table is dropped at the next entity instead of cleared. */
  private static final int REUSE_LIMIT = 64;
  private HashMap<Object, int[]> counts = new HashMap<>();
  private int peak;

  DistinctCount(int input) {
    super(input);
  }

  @Override
  void reset(EventBlock block, int[] order, int from, int to) {
    super.reset(block, order, from, to);
    // HashMap.clear() zeroes its whole table, which never shrinks: after one entity with many distinct values,
    // clearing it for every later (small) entity would cost more than the aggregation itself.
    if (peak > REUSE_LIMIT) {
      counts = new HashMap<>();
    } else {
      counts.clear();
    }
    peak = 0;
  }

  private Object key(int k) {
    Object v = block.value(input, event(k));
    return v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
  }

  @Override
  void add(int k) {
    if (present(k)) {
      counts.computeIfAbsent(key(k), x -> new int[1])[0]++;
      peak = Math.max(peak, counts.size());
    }
  }

  @Override
  void evict(int k) {
    if (present(k)) {
      Object key = key(k);
      int[] c = counts.get(key);
      if (--c[0] == 0) {
        counts.remove(key);
      }
    }
  }

  @Override
  void skip(int k) {
  }

  @Override
  Object result() {
    return (long) counts.size();
  }
}
