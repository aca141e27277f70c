package dev.larder.materialize;

import dev.larder.online.FeatureRowCodec;
import dev.larder.pointintime.PointInTimeRule;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The k-way merge that produces a run: the run's sorted input chunks and the currently served run, merged
 * in key order, keeping per entity the newest row ({@link RowOrder}); equally new rows go to the later
 * input, and new input beats served data. Rows expired under the view's TTL ({@link PointInTimeRule#isFresh}, the
 * same edge as training sets and serving use) are dropped here, which is the online store's housekeeping.
 */
final class RunMerge {
  private RunMerge() {}

  /** What the merge did. {@code written}: entities whose row came from this run's input. */
  record Counts(long written, long skippedAsOlder, long expired, long total, long superseded) {}

  private static final class Head {
    final SortedRows rows;
    final int priority;

    Head(SortedRows rows, int priority) {
      this.rows = rows;
      this.priority = priority;
    }

    boolean served() {
      return priority < 0;
    }
  }

  private static final Comparator<Head> ORDER = (x, y) -> {
    int c = Arrays.compareUnsigned(x.rows.key(), y.rows.key());
    if (c != 0) {
      return c;
    }
    int n = RowOrder.compareNewest(x.rows.row(), 0, y.rows.row(), 0);
    return n != 0 ? n : Integer.compare(y.priority, x.priority);
  };

  /**
   * @param inputs       the run's sorted chunks, oldest input first (later chunks win exact ties)
   * @param served       the served run's rows, or null for a first run
   * @param ttl          the view's point-in-time rule: a row that is not fresh at {@code nowMicros} is dropped
   * @param nowMicros    the run's reference time (the end of the materialized interval)
   */
  static Counts merge(List<SortedRows> inputs, SortedRows served, PointInTimeRule ttl, long nowMicros, RowSink sink)
      throws IOException {
    PriorityQueue<Head> heads = new PriorityQueue<>(Math.max(1, inputs.size() + 1), ORDER);
    for (int i = 0; i < inputs.size(); i++) {
      push(heads, new Head(inputs.get(i), i));
    }
    if (served != null) {
      push(heads, new Head(served, -1));
    }
    long written = 0;
    long skipped = 0;
    long expired = 0;
    long total = 0;
    long superseded = 0;
    while (!heads.isEmpty()) {
      Head winner = heads.poll();
      byte[] key = winner.rows.key();
      byte[] row = winner.rows.row();
      boolean fromServed = winner.served();
      boolean newLost = false;
      push(heads, winner);
      while (!heads.isEmpty() && Arrays.equals(heads.peek().rows.key(), key)) {
        Head loser = heads.poll();
        if (!loser.served()) {
          if (fromServed) {
            newLost = true;
          } else {
            superseded++;
          }
        }
        push(heads, loser);
      }
      if (newLost) {
        skipped++;
      }
      if (!ttl.isFresh(nowMicros, FeatureRowCodec.eventTimestamp(row))) {
        expired++;
        continue;
      }
      sink.put(key, row);
      total++;
      if (!fromServed) {
        written++;
      }
    }
    return new Counts(written, skipped, expired, total, superseded);
  }

  private static void push(PriorityQueue<Head> heads, Head h) throws IOException {
    if (h.rows.next()) {
      heads.add(h);
    }
  }
}
