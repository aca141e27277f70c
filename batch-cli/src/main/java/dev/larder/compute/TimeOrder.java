package dev.larder.compute;

import dev.larder.aggregate.EventBlock;

/**
 * Sorts each entity's events by time, stably (events of equal time keep input order), given the events
 * grouped by entity in input order. The times are first gathered into an array laid out like the order, so
 * the check and the sort compare neighbouring values: comparing {@code block.time(order[i])} instead cost a
 * cache miss per look, as an entity's events lie far apart in the block, and made sorting a tenth of a
 * one-snapshot run (sample sources are nearly, not exactly, in time order per entity). The sorted times then
 * become the block's time column when it is reordered, which saves gathering them a second time.
 */
final class TimeOrder {
  private TimeOrder() {}

  /**
   * Sorts the slices {@code order[start[id], start[id + 1])} for entities {@code id} in [first, last) by the
   * time of the block index they hold; indexes ascend within each slice on entry. Leaves the sorted times at
   * the same positions of {@code sortedTimes} (an array as long as the order), ready for
   * {@link EventBlock#reorder(int[], long[], boolean)}.
   */
  static void sort(EventBlock block, int[] order, int[] start, int first, int last, long[] sortedTimes) {
    long[] times = sortedTimes;
    for (int k = start[first]; k < start[last]; k++) {
      times[k] = block.time(order[k]);
    }
    long[] tmpTimes = new long[0];
    int[] tmpOrder = new int[0];
    for (int id = first; id < last; id++) {
      int from = start[id];
      int to = start[id + 1];
      if (sorted(times, from, to)) {
        continue; // the usual case: sources are mostly written in time order
      }
      int half = (to - from + 1) / 2;
      if (tmpTimes.length < half) {
        tmpTimes = new long[half];
        tmpOrder = new int[half];
      }
      mergeSort(times, order, tmpTimes, tmpOrder, from, to);
    }
  }

  private static boolean sorted(long[] t, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      if (t[i - 1] > t[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Top-down merge sort of {@code t[from, to)}, moving {@code o[k]} along with {@code t[k]} (stable: on equal
   * times the left run goes first); the tmp arrays hold a left half.
   */
  private static void mergeSort(long[] t, int[] o, long[] tmpT, int[] tmpO, int from, int to) {
    if (to - from <= 32) {
      for (int i = from + 1; i < to; i++) {
        long ti = t[i];
        int oi = o[i];
        int j = i - 1;
        while (j >= from && t[j] > ti) {
          t[j + 1] = t[j];
          o[j + 1] = o[j];
          j--;
        }
        t[j + 1] = ti;
        o[j + 1] = oi;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(t, o, tmpT, tmpO, from, mid);
    mergeSort(t, o, tmpT, tmpO, mid, to);
    if (t[mid - 1] <= t[mid]) {
      return;
    }
    int left = mid - from;
    System.arraycopy(t, from, tmpT, 0, left);
    System.arraycopy(o, from, tmpO, 0, left);
    int i = 0;
    int j = mid;
    int k = from;
    while (i < left && j < to) {
      if (t[j] < tmpT[i]) {
        t[k] = t[j];
        o[k++] = o[j++];
      } else {
        t[k] = tmpT[i];
        o[k++] = tmpO[i++];
      }
    }
    while (i < left) {
      t[k] = tmpT[i];
      o[k++] = tmpO[i++];
    }
  }
}
