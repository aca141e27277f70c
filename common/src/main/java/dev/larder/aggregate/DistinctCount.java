package dev.larder.aggregate;

import java.nio.ByteBuffer;
import java.util.HashMap;

/**
 * count_distinct over a sliding window: a map from each distinct value in the window to how many window
 * events carry it. Memory is proportional to the distinct values in the window (about 64 bytes per distinct
 * value for the map entry and counter, plus the boxed value), the one per-entity state that is not constant.
 */
final class DistinctCount extends Accumulator {
  private final HashMap<Object, int[]> counts = new HashMap<>();

  DistinctCount(int input) {
    super(input);
  }

  @Override
  void reset(EventBlock block, int[] order, int from, int to) {
    super.reset(block, order, from, to);
    counts.clear();
  }

  private Object key(int k) {
    Object v = block.value(input, event(k));
    return v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
  }

  @Override
  void add(int k) {
    if (present(k)) {
      counts.computeIfAbsent(key(k), x -> new int[1])[0]++;
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
  Object result() {
    return (long) counts.size();
  }
}
