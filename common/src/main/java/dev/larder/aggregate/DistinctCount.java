package dev.larder.aggregate;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * count_distinct over a sliding window: how many window events carry each distinct value, in an
 * open-addressing table (linear probing, deletion by shifting back) that is cleared per entity. Integer,
 * timestamp and floating-point values are keys as longs (a double by {@link Double#doubleToLongBits}, which is
 * {@link Double#equals}: 0.0 and -0.0 differ, all NaNs are one value), so counting them boxes nothing; other
 * values compare with {@code equals}. A {@code HashMap<Object, int[]>} allocated an entry and a counter per
 * distinct value of every entity, the largest allocation of a computation. Memory is proportional to the
 * distinct values in the window, the one per-entity state that is not constant.
 */
final class DistinctCount extends Accumulator {
  /** Beyond this many slots the table is dropped at the next entity instead of cleared. */
  private static final int REUSE_LIMIT = 64;
  private final boolean longKeys;
  private final boolean doubleKeys;
  private long[] longs;
  private Object[] objects;
  /** Events in the window per slot; 0 for an empty slot. */
  private int[] counts;
  private int distinct;

  DistinctCount(int input, Inputs.Kind kind) {
    super(input);
    this.longKeys = kind == Inputs.Kind.LONG || kind == Inputs.Kind.DOUBLE;
    this.doubleKeys = kind == Inputs.Kind.DOUBLE;
    allocate(16);
  }

  private void allocate(int capacity) {
    counts = new int[capacity];
    if (longKeys) {
      longs = new long[capacity];
    } else {
      objects = new Object[capacity];
    }
  }

  @Override
  void reset(EventBlock block, int[] order, int from, int to) {
    super.reset(block, order, from, to);
    if (counts.length > REUSE_LIMIT) {
      allocate(16);
    } else if (distinct > 0) {
      Arrays.fill(counts, 0);
      if (objects != null) {
        Arrays.fill(objects, null);
      }
    }
    distinct = 0;
  }

  private long longKey(int k) {
    int e = event(k);
    return doubleKeys ? Double.doubleToLongBits(block.doubleValue(input, e)) : block.longValue(input, e);
  }

  private Object objectKey(int k) {
    Object v = block.value(input, event(k));
    return v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
  }

  private static int spread(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private int home(int slot) {
    int h = longKeys ? Long.hashCode(longs[slot]) : objects[slot].hashCode();
    return spread(h) & (counts.length - 1);
  }

  /** The slot holding the key of position k, or the empty slot where it would go. */
  private int find(int k) {
    int mask = counts.length - 1;
    if (longKeys) {
      long key = longKey(k);
      int i = spread(Long.hashCode(key)) & mask;
      while (counts[i] != 0 && longs[i] != key) {
        i = (i + 1) & mask;
      }
      if (counts[i] == 0) {
        longs[i] = key;
      }
      return i;
    }
    Object key = objectKey(k);
    int i = spread(key.hashCode()) & mask;
    // Identity first, and the key as the receiver: readers share one instance per distinct value, so most
    // lookups end without loading the stored object (a cache miss per event in large partitions).
    while (counts[i] != 0 && objects[i] != key && !key.equals(objects[i])) {
      i = (i + 1) & mask;
    }
    if (counts[i] == 0) {
      objects[i] = key;
    }
    return i;
  }

  @Override
  void add(int k) {
    if (!present(k)) {
      return;
    }
    int i = find(k);
    if (counts[i]++ == 0 && ++distinct * 2 > counts.length) {
      grow();
    }
  }

  @Override
  void evict(int k) {
    if (!present(k)) {
      return;
    }
    int i = find(k);
    if (--counts[i] == 0) {
      distinct--;
      removeAt(i);
    }
  }

  /** Empties slot i, moving back later entries of its probe run that would no longer be found. */
  private void removeAt(int i) {
    int mask = counts.length - 1;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (counts[j] == 0) {
        break;
      }
      int h = home(j);
      boolean stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (!stays) {
        counts[i] = counts[j];
        if (longKeys) {
          longs[i] = longs[j];
        } else {
          objects[i] = objects[j];
        }
        counts[j] = 0; // transiently: j becomes the hole
        i = j;
      }
    }
    counts[i] = 0;
    if (objects != null) {
      objects[i] = null;
    }
  }

  private void grow() {
    int[] oldCounts = counts;
    long[] oldLongs = longs;
    Object[] oldObjects = objects;
    allocate(oldCounts.length * 2);
    int mask = counts.length - 1;
    for (int s = 0; s < oldCounts.length; s++) {
      if (oldCounts[s] == 0) {
        continue;
      }
      int h = spread(longKeys ? Long.hashCode(oldLongs[s]) : oldObjects[s].hashCode());
      int i = h & mask;
      while (counts[i] != 0) {
        i = (i + 1) & mask;
      }
      counts[i] = oldCounts[s];
      if (longKeys) {
        longs[i] = oldLongs[s];
      } else {
        objects[i] = oldObjects[s];
      }
    }
  }

  @Override
  void skip(int k) {
  }

  @Override
  Object result() {
    return (long) distinct;
  }
}
