package dev.larder.pointintime;

import dev.larder.core.v1.ValueType;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One view's winners for one {@link EntityChunk}: the chunk's rows grouped by join key (an in-memory hash table,
 * each group in time order), then every history row of the view offered to the rows of its key that may see it
 * under the {@link PointInTimeRule}, keeping the best candidate per row. History is streamed once and never
 * sorted or stored; only each row's current winner (times and feature values) is kept.
 */
final class ViewMatches {
  /**
   * Per position in key-then-time order: the row's time, whether it matched, the winner's event and created
   * times. One row's state shares a cache line with its neighbours, the other rows of its key.
   */
  private static final int STRIDE = 4;
  private static final int TIME = 0;
  private static final int MATCHED = 1;
  private static final int EVENT = 2;
  private static final int CREATED = 3;

  /** Heap bytes per entity row besides its key and feature values (position, state, build arrays). */
  static final long BYTES_PER_ROW = 4 + 8 * STRIDE + 4 + 4;
  /** Heap bytes per feature value kept: a reference and a boxed number (strings from a dictionary are shared). */
  static final long BYTES_PER_VALUE = 20;

  private final ViewRequest view;
  private final PointInTimeRule rule;
  private final EntityChunk chunk;
  private final KeyIndex index;
  /** Where each key id's rows start in position order; one more entry for the end. */
  private final int[] groupStart;
  /** The position of each chunk row, -1 when its key is null. */
  private final int[] positionOf;
  private final long[] state;
  /** Feature values of each position's winner, position-major. */
  private final Object[] values;
  private final int width;
  private long matchedRows;

  ViewMatches(ViewRequest view, EntityChunk chunk, int[] keyColumns) {
    this.view = view;
    this.rule = view.rule();
    this.chunk = chunk;
    int n = chunk.size();
    this.width = view.features().size();
    KeyEncoder encoder = new KeyEncoder(keyColumns, types(view.joinKeys()));
    this.index = new KeyIndex(n);
    int[] keyOf = new int[n];
    int[] counts = new int[n + 1];
    for (int i = 0; i < n; i++) {
      int r = chunk.byTime[i];
      int length = encoder.encodeInPlace(chunk.rows[r]);
      int id = length < 0 ? -1 : index.add(encoder.buffer(), length, KeyEncoder.hash(encoder.buffer(), length));
      keyOf[i] = id;
      if (id >= 0) {
        counts[id + 1]++;
      }
    }
    int keys = index.size();
    this.groupStart = new int[keys + 1];
    for (int k = 0; k < keys; k++) {
      groupStart[k + 1] = groupStart[k] + counts[k + 1];
    }
    int[] next = counts; // reused as each group's fill position
    System.arraycopy(groupStart, 0, next, 0, keys);
    int positions = groupStart[keys];
    this.state = new long[positions * STRIDE];
    this.values = new Object[positions * width];
    this.positionOf = new int[n];
    Arrays.fill(positionOf, -1);
    for (int i = 0; i < n; i++) {
      int id = keyOf[i];
      if (id >= 0) {
        int r = chunk.byTime[i];
        int p = next[id]++;
        positionOf[r] = p;
        state[p * STRIDE + TIME] = chunk.times[r];
      }
    }
  }

  private static List<ValueType> types(List<dev.larder.value.Column> keys) {
    return keys.stream().map(dev.larder.value.Column::type).toList();
  }

  /**
   * Offers every row of the view's history that the chunk's rows may see.
   *
   * @param progress counts history rows read, for progress display
   */
  void join(AtomicLong progress) throws IOException {
    if (index.size() == 0) {
      return; // no row of this chunk has a key for this view
    }
    long from = rule.hasTtl() && chunk.minTime > Long.MIN_VALUE + rule.ttlMicros()
        ? chunk.minTime - rule.ttlMicros() + 1 : Long.MIN_VALUE;
    try (RowReader in = view.history().open(from, chunk.maxTime)) {
      RowSchema schema = in.schema();
      String what = "history of feature view '" + view.name() + "'";
      int[] keyColumns = new int[view.joinKeys().size()];
      for (int k = 0; k < keyColumns.length; k++) {
        keyColumns[k] = PointInTimeJoin.requireColumn(schema, view.joinKeys().get(k).name(), what);
      }
      KeyEncoder encoder = new KeyEncoder(keyColumns, types(view.joinKeys()));
      int eventTs = PointInTimeJoin.requireColumn(schema, ViewRequest.EVENT_TIMESTAMP, what);
      int createdTs = schema.indexOf(ViewRequest.CREATED_TIMESTAMP);
      int[] features = new int[width];
      for (int f = 0; f < width; f++) {
        features[f] = PointInTimeJoin.requireColumn(schema, view.features().get(f), what);
      }
      long read = 0;
      for (Object[] r = in.next(); r != null; r = in.next()) {
        if ((++read & 0xFFF) == 0) {
          progress.addAndGet(0x1000);
        }
        Object e = r[eventTs];
        if (e == null) {
          continue;
        }
        long ets = ((Number) e).longValue();
        Object c = createdTs < 0 ? null : r[createdTs];
        long cts = c == null ? PointInTimeRule.NO_CREATED : ((Number) c).longValue();
        long available = rule.availableAt(ets, cts);
        if (available > chunk.maxTime || !rule.isFresh(Math.max(available, chunk.minTime), ets)) {
          continue; // no row of the chunk can see it
        }
        int length = encoder.encodeInPlace(r);
        if (length < 0) {
          continue;
        }
        int id = index.find(encoder.buffer(), length, KeyEncoder.hash(encoder.buffer(), length));
        if (id >= 0) {
          offer(id, ets, cts, available, r, features);
        }
      }
      progress.addAndGet(read & 0xFFF);
    }
  }

  /** Makes history row {@code row} the winner of each row of key {@code id} that may see it and prefers it. */
  private void offer(int id, long ets, long cts, long available, Object[] row, int[] features) {
    int end = groupStart[id + 1];
    for (int p = firstAtOrAfter(groupStart[id], end, available); p < end; p++) {
      int at = p * STRIDE;
      if (!rule.isFresh(state[at + TIME], ets)) {
        break; // rows are in time order: all later rows see this value expired too
      }
      // a history row read later has a greater sequence number: it wins ties on both times
      boolean first = state[at + MATCHED] == 0;
      if (first || PointInTimeRule.compareCandidates(ets, cts, 1, state[at + EVENT], state[at + CREATED], 0) > 0) {
        if (first) {
          state[at + MATCHED] = 1;
          matchedRows++;
        }
        state[at + EVENT] = ets;
        state[at + CREATED] = cts;
        int base = p * width;
        for (int f = 0; f < width; f++) {
          values[base + f] = row[features[f]];
        }
      }
    }
  }

  /** The first position in {@code [from, to)} whose row time is at least {@code time}. */
  private int firstAtOrAfter(int from, int to, long time) {
    if (to - from <= 8) {
      while (from < to && state[from * STRIDE + TIME] < time) {
        from++;
      }
      return from;
    }
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (state[mid * STRIDE + TIME] < time) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  long matchedRows() {
    return matchedRows;
  }

  /** Copies the winner's feature values of chunk row {@code r} into {@code out} from {@code at} (nulls if none). */
  int copyValues(int r, Object[] out, int at) {
    int p = positionOf[r];
    if (p >= 0 && state[p * STRIDE + MATCHED] != 0) {
      System.arraycopy(values, p * width, out, at, width);
    }
    return at + width;
  }
}
