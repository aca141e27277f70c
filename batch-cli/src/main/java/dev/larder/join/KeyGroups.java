package dev.larder.join;

import dev.larder.core.v1.ValueType;
import java.util.Arrays;
import java.util.List;

/**
 * The rows of one block grouped by time slice and join key, for the views that share a join key and TTL: the
 * block's rows cut by time into slices at least one TTL wide, each slice with its own table of keys, so that a
 * history row probes only the one or two small (cache-resident) tables of the slices where it is fresh, and
 * finds a key only when that key has rows there. Without a TTL there is one slice. Each group's rows get
 * consecutive positions in time order. Views with the same key and TTL (often several per entity) share one.
 */
final class KeyGroups {
  /** Most time slices of a block. */
  private static final int MAX_SLICES = 4096;

  final KeyIndex[] slices;
  /** The group id of each slice's first key: group id = slice base + the key's id in the slice's table. */
  final int[] sliceBase;
  /** Where each group's (slice and key) rows start in position order; one more entry for the end. */
  final int[] groupStart;
  /** The position of each block row, -1 when its key is null (the array may be longer than the block). */
  final int[] positionOf;
  /** The row time at each position (the array may be longer than {@link #positions}). */
  final long[] times;
  private final int positions;
  /** Whether the join key is one integer: then keys are longs, never encoded to bytes (see KeyIndex.addLong). */
  final boolean oneInteger;
  private final long sliceWidth;
  private final long minTime;

  /**
   * @param keyColumns where the join key is in the block's rows
   * @param ttlMicros the views' TTL, {@link Long#MAX_VALUE} for none
   * @param previous the same views' groups of the previous block, whose arrays these reuse if large enough
   *     (null if none; it is unusable afterwards): fresh ones for each block were garbage that the collector
   *     first promoted, then freed with full collections
   */
  KeyGroups(EntityChunk chunk, int[] keyColumns, List<ValueType> keyTypes, long ttlMicros, KeyGroups previous) {
    int n = chunk.size();
    this.minTime = chunk.minTime;
    long range = chunk.maxTime - chunk.minTime; // may overflow for absurd times: then one slice
    int count = range < 0 || ttlMicros == Long.MAX_VALUE ? 1 : (int) Math.min(MAX_SLICES, range / ttlMicros + 1);
    this.sliceWidth = count == 1 ? Long.MAX_VALUE : Math.max(ttlMicros, range / count + 1);
    this.slices = new KeyIndex[count];
    this.sliceBase = new int[count];
    KeyEncoder encoder = new KeyEncoder(keyColumns, keyTypes);
    this.oneInteger = KeyEncoder.oneInteger(keyTypes);
    int[] groupOf = new int[n];
    int[] counts = new int[n + 1];
    // one integer: the keys in time order (null ones flagged in nullKey), so that each slice knows its range
    long[] keys = oneInteger ? new long[n] : null;
    boolean[] nullKey = oneInteger ? new boolean[n] : null;
    for (int j = 0; oneInteger && j < n; j++) {
      int r = chunk.byTime[j];
      nullKey[j] = chunk.isNull(r, keyColumns[0]);
      keys[j] = nullKey[j] ? 0 : chunk.raw(r, keyColumns[0]);
    }
    int groups = 0;
    for (int s = 0, i = 0; s < count; s++) {
      int from = i;
      while (i < n && (s == count - 1 || sliceOf(chunk.times[chunk.byTime[i]]) == s)) {
        i++;
      }
      KeyIndex index = oneInteger ? integerIndex(keys, nullKey, from, i) : new KeyIndex(i - from);
      for (int j = from; j < i; j++) {
        int id;
        if (oneInteger) {
          id = nullKey[j] ? -1 : groups + index.addLong(keys[j]);
        } else {
          int length = encoder.encodeInPlace(chunk.row(chunk.byTime[j]));
          id = length < 0 ? -1
              : groups + index.add(encoder.buffer(), length, KeyEncoder.hash(encoder.buffer(), length));
        }
        groupOf[j] = id;
        if (id >= 0) {
          counts[id + 1]++;
        }
      }
      index.seal();
      slices[s] = index;
      sliceBase[s] = groups;
      groups += index.size();
    }
    this.groupStart = previous != null && previous.groupStart.length > groups ? previous.groupStart
        : new int[groups + 1];
    groupStart[0] = 0;
    for (int g = 0; g < groups; g++) {
      groupStart[g + 1] = groupStart[g] + counts[g + 1];
    }
    int[] next = counts; // reused as each group's fill position
    System.arraycopy(groupStart, 0, next, 0, groups);
    this.positions = groupStart[groups];
    this.times = previous != null && previous.times.length >= positions ? previous.times : new long[positions];
    this.positionOf = previous != null && previous.positionOf.length >= n ? previous.positionOf : new int[n];
    Arrays.fill(positionOf, 0, n, -1);
    for (int i = 0; i < n; i++) {
      int g = groupOf[i];
      if (g >= 0) {
        int r = chunk.byTime[i];
        int p = next[g]++;
        positionOf[r] = p;
        times[p] = chunk.times[r];
      }
    }
  }

  /** A table for the integer keys {@code keys[from, to)}: indexed by key if they are dense enough, else hashed. */
  private static KeyIndex integerIndex(long[] keys, boolean[] nullKey, int from, int to) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int j = from; j < to; j++) {
      if (!nullKey[j]) {
        min = Math.min(min, keys[j]);
        max = Math.max(max, keys[j]);
      }
    }
    return KeyIndex.indexesByKey(min, max, to - from) ? new KeyIndex(min, max) : new KeyIndex(to - from);
  }

  /** Positions: block rows with a non-null key. */
  int positions() {
    return positions;
  }

  /** The time slice of an entity row time within the block's range. */
  int sliceOf(long time) {
    if (slices.length == 1 || time <= minTime) {
      return 0;
    }
    return (int) Math.min(slices.length - 1, (time - minTime) / sliceWidth);
  }
}
