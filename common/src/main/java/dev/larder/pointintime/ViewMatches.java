package dev.larder.pointintime;

import dev.larder.core.v1.ValueType;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One view's winners for one {@link EntityChunk}: the chunk's rows grouped by time slice and join key (small
 * in-memory hash tables, each group in time order), then every history row of the view offered to the rows of its
 * key that may see it under the {@link PointInTimeRule}, keeping the best candidate per row. History is streamed once and never
 * sorted or stored; only each row's current winner (times and feature values) is kept.
 */
final class ViewMatches {
  /**
   * Per position in key-then-time order: the row's time, whether it matched, the winner's event and created
   * times, and for views read in raw batches the winner's null bits and raw feature values. A row's state is
   * contiguous, next to its neighbours (the other rows of its key), so that updating a winner touches one or
   * two cache lines instead of one per array.
   */
  private static final int STRIDE = 4;
  private static final int TIME = 0;
  private static final int MATCHED = 1;
  private static final int EVENT = 2;
  private static final int CREATED = 3;
  private static final int NULL_BITS = 4;
  private static final int RAW_VALUES = 5;

  /** Heap bytes per entity row besides its key and feature values (position, state, build arrays). */
  static final long BYTES_PER_ROW = 4 + 8 * STRIDE + 4 + 4;
  /** Heap bytes per feature value kept: a reference and a boxed number (strings from a dictionary are shared). */
  static final long BYTES_PER_VALUE = 20;

  private final ViewRequest view;
  private final PointInTimeRule rule;
  private final EntityChunk chunk;
  /** Most time slices of a block. */
  private static final int MAX_SLICES = 4096;

  /**
   * The block's rows cut by time into slices at least one TTL wide, each with its own table of keys, so that a
   * history row probes only the one or two small (cache-resident) tables of the slices where it is fresh, and
   * finds a key only when that key has rows there. Without a TTL there is one slice.
   */
  private final KeyIndex[] slices;
  private final long sliceWidth;
  /** The group id of each slice's first key: group id = slice base + the key's id in the slice's table. */
  private final int[] sliceBase;
  /** Where each group's (slice and key) rows start in position order; one more entry for the end. */
  private final int[] groupStart;
  /** The position of each chunk row, -1 when its key is null. */
  private final int[] positionOf;
  private final long[] state;
  /** Feature values of each position's winner, position-major: boxed, or raw when read in raw batches. */
  private Object[] values;
  /** Longs of state per position: {@link #STRIDE}, plus the null bits and values if the view may be raw. */
  private final int stride;
  /** Whether feature values are raw in the state (set once the history was opened in raw batches). */
  private boolean rawState;
  private ValueType[] types;
  private final int width;
  /** Whether the join key is one integer: then keys are longs, never encoded to bytes (see KeyIndex.addLong). */
  private final boolean oneInteger;
  private long matchedRows;
  /** The slices a history row with these times may be seen from, kept for the next row (see probe). */
  private boolean slicesKnown;
  private long slicesOfEvent;
  private long slicesOfAvailable;
  private int firstSlice;
  private int lastSlice;

  ViewMatches(ViewRequest view, EntityChunk chunk, int[] keyColumns) {
    this.view = view;
    this.rule = view.rule();
    this.chunk = chunk;
    int n = chunk.size();
    this.width = view.features().size();
    long range = chunk.maxTime - chunk.minTime; // may overflow for absurd times: then one slice
    long ttl = rule.hasTtl() ? rule.ttlMicros() : Long.MAX_VALUE;
    int slices = range < 0 || ttl == Long.MAX_VALUE ? 1 : (int) Math.min(MAX_SLICES, range / ttl + 1);
    this.sliceWidth = slices == 1 ? Long.MAX_VALUE : Math.max(ttl, range / slices + 1);
    this.slices = new KeyIndex[slices];
    this.sliceBase = new int[slices];
    KeyEncoder encoder = new KeyEncoder(keyColumns, types(view.joinKeys()));
    this.oneInteger = KeyEncoder.oneInteger(types(view.joinKeys()));
    int[] groupOf = new int[n];
    int[] counts = new int[n + 1];
    int groups = 0;
    for (int s = 0, i = 0; s < slices; s++) {
      int from = i;
      while (i < n && (s == slices - 1 || sliceOf(chunk.times[chunk.byTime[i]]) == s)) {
        i++;
      }
      KeyIndex index = new KeyIndex(i - from);
      for (int j = from; j < i; j++) {
        int id;
        if (oneInteger) {
          Object key = chunk.rows[chunk.byTime[j]][keyColumns[0]];
          id = key == null ? -1 : groups + index.addLong(((Number) key).longValue());
        } else {
          int length = encoder.encodeInPlace(chunk.rows[chunk.byTime[j]]);
          id = length < 0 ? -1
              : groups + index.add(encoder.buffer(), length, KeyEncoder.hash(encoder.buffer(), length));
        }
        groupOf[j] = id;
        if (id >= 0) {
          counts[id + 1]++;
        }
      }
      this.slices[s] = index;
      sliceBase[s] = groups;
      groups += index.size();
    }
    this.groupStart = new int[groups + 1];
    for (int g = 0; g < groups; g++) {
      groupStart[g + 1] = groupStart[g] + counts[g + 1];
    }
    int[] next = counts; // reused as each group's fill position
    System.arraycopy(groupStart, 0, next, 0, groups);
    int positions = groupStart[groups];
    this.stride = mayBeRaw(view) ? RAW_VALUES + width : STRIDE;
    this.state = new long[positions * stride];
    this.positionOf = new int[n];
    Arrays.fill(positionOf, -1);
    for (int i = 0; i < n; i++) {
      int g = groupOf[i];
      if (g >= 0) {
        int r = chunk.byTime[i];
        int p = next[g]++;
        positionOf[r] = p;
        state[p * stride + TIME] = chunk.times[r];
      }
    }
  }

  /** The time slice of an entity row time within the chunk's range. */
  private int sliceOf(long time) {
    if (slices.length == 1 || time <= chunk.minTime) {
      return 0;
    }
    return (int) Math.min(slices.length - 1, (time - chunk.minTime) / sliceWidth);
  }

  /**
   * Offers a history row to the rows of its key in every slice that has rows which may see it: from the slice
   * of its availability to the slice of its expiry. The key is {@code longKey} when the view's key is
   * {@link #oneInteger one integer}, else the first {@code length} bytes of {@code key}.
   */
  private void probe(byte[] key, int length, long longKey, long ets, long cts, long available, Object[] row,
                     long[][] raw, boolean[][] nulls, int r, int[] features) {
    int hash = oneInteger ? KeyEncoder.hash(longKey) : KeyEncoder.hash(key, length);
    if (!slicesKnown || ets != slicesOfEvent || available != slicesOfAvailable) { // snapshot rows share times
      slicesKnown = true;
      slicesOfEvent = ets;
      slicesOfAvailable = available;
      firstSlice = sliceOf(available);
      lastSlice = rule.hasTtl() && ets <= Long.MAX_VALUE - rule.ttlMicros()
          ? sliceOf(ets + rule.ttlMicros() - 1) : slices.length - 1;
    }
    int last = lastSlice;
    for (int s = firstSlice; s <= last; s++) {
      int id = oneInteger ? slices[s].findLong(longKey, hash) : slices[s].find(key, length, hash);
      if (id < 0) {
        continue;
      }
      if (row != null) {
        offer(sliceBase[s] + id, ets, cts, available, row, features);
      } else {
        offerRaw(sliceBase[s] + id, ets, cts, available, raw, nulls, r, features);
      }
    }
  }

  /** Whether the view's history can come in raw batches: integer keys, fixed-width features, at most 64. */
  private static boolean mayBeRaw(ViewRequest view) {
    return KeyEncoder.integerKeys(types(view.joinKeys())) && view.features().size() <= 64
        && types(view.outputColumns()).stream().allMatch(RawBatches::hasRawForm);
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
    if (state.length == 0) {
      return; // no row of this chunk has a key for this view
    }
    long from = rule.hasTtl() && chunk.minTime > Long.MIN_VALUE + rule.ttlMicros()
        ? chunk.minTime - rule.ttlMicros() + 1 : Long.MIN_VALUE;
    RawBatches raw = stride > STRIDE ? view.history().openRaw(from, chunk.maxTime) : null;
    if (raw != null) {
      try (raw) {
        joinRaw(raw, progress);
      }
      return;
    }
    values = new Object[state.length / stride * width];
    try (RowReader in = view.history().open(from, chunk.maxTime)) {
      HistoryColumns columns = HistoryColumns.of(in.schema(), view);
      KeyEncoder encoder = new KeyEncoder(columns.keys(), types(view.joinKeys()));
      int eventTs = columns.eventTs();
      int createdTs = columns.createdTs();
      int[] features = columns.features();
      int keyColumn = columns.keys()[0];
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
        if (oneInteger) {
          Object key = r[keyColumn];
          if (key != null) {
            probe(null, 8, ((Number) key).longValue(), ets, cts, available, r, null, null, 0, features);
          }
          continue;
        }
        int length = encoder.encodeInPlace(r);
        if (length < 0) {
          continue;
        }
        probe(encoder.buffer(), length, 0, ets, cts, available, r, null, null, 0, features);
      }
      progress.addAndGet(read & 0xFFF);
    }
  }

  private void joinRaw(RawBatches in, AtomicLong progress) throws IOException {
    HistoryColumns columns = HistoryColumns.of(in.schema(), view);
    KeyEncoder encoder = new KeyEncoder(columns.keys(), types(view.joinKeys()));
    int eventTs = columns.eventTs();
    int createdTs = columns.createdTs();
    int[] features = columns.features();
    types = new ValueType[width];
    for (int f = 0; f < width; f++) {
      types[f] = view.outputColumns().get(f).type();
    }
    rawState = true;
    for (int n = in.next(); n > 0; n = in.next()) {
      long[][] raw = in.raw();
      boolean[][] nulls = in.nulls();
      long[] event = raw[eventTs];
      boolean[] eventNull = nulls[eventTs];
      long[] keys = raw[columns.keys()[0]];
      boolean[] keyNull = nulls[columns.keys()[0]];
      for (int r = 0; r < n; r++) {
        if (eventNull[r]) {
          continue;
        }
        long ets = event[r];
        long cts = createdTs < 0 || nulls[createdTs][r] ? PointInTimeRule.NO_CREATED : raw[createdTs][r];
        long available = rule.availableAt(ets, cts);
        if (available > chunk.maxTime || !rule.isFresh(Math.max(available, chunk.minTime), ets)) {
          continue; // no row of the chunk can see it
        }
        if (oneInteger) {
          if (!keyNull[r]) {
            probe(null, 8, keys[r], ets, cts, available, null, raw, nulls, r, features);
          }
          continue;
        }
        int length = encoder.encodeRaw(raw, nulls, r);
        if (length < 0) {
          continue;
        }
        probe(encoder.buffer(), length, 0, ets, cts, available, null, raw, nulls, r, features);
      }
      progress.addAndGet(n);
    }
  }

  /** {@link #offer} for row {@code r} of raw columns. */
  private void offerRaw(int id, long ets, long cts, long available, long[][] raw, boolean[][] nulls, int r,
                        int[] features) {
    int end = groupStart[id + 1];
    for (int p = firstAtOrAfter(groupStart[id], end, available); p < end; p++) {
      int at = p * stride;
      if (!rule.isFresh(state[at + TIME], ets)) {
        break;
      }
      if (wins(at, ets, cts)) {
        long bits = 0;
        for (int f = 0; f < width; f++) {
          state[at + RAW_VALUES + f] = raw[features[f]][r];
          bits |= nulls[features[f]][r] ? 1L << f : 0;
        }
        state[at + NULL_BITS] = bits;
      }
    }
  }

  /**
   * Whether a history row with these times beats the current winner at state offset {@code at}, making it the
   * winner if so. A history row read later has a greater sequence number: it wins ties on both times.
   */
  private boolean wins(int at, long ets, long cts) {
    boolean first = state[at + MATCHED] == 0;
    if (!first && PointInTimeRule.compareCandidates(ets, cts, 1, state[at + EVENT], state[at + CREATED], 0) <= 0) {
      return false;
    }
    if (first) {
      state[at + MATCHED] = 1;
      matchedRows++;
    }
    state[at + EVENT] = ets;
    state[at + CREATED] = cts;
    return true;
  }

  /** Makes history row {@code row} the winner of each row of group {@code id} that may see it and prefers it. */
  private void offer(int id, long ets, long cts, long available, Object[] row, int[] features) {
    int end = groupStart[id + 1];
    for (int p = firstAtOrAfter(groupStart[id], end, available); p < end; p++) {
      int at = p * stride;
      if (!rule.isFresh(state[at + TIME], ets)) {
        break; // rows are in time order: all later rows see this value expired too
      }
      if (wins(at, ets, cts)) {
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
      while (from < to && state[from * stride + TIME] < time) {
        from++;
      }
      return from;
    }
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (state[mid * stride + TIME] < time) {
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
    int s = p * stride;
    if (p >= 0 && state[s + MATCHED] != 0) {
      if (!rawState) {
        System.arraycopy(values, p * width, out, at, width);
      } else {
        long bits = state[s + NULL_BITS];
        for (int f = 0; f < width; f++) {
          out[at + f] = (bits & 1L << f) != 0 ? null : RawBatches.box(types[f], state[s + RAW_VALUES + f]);
        }
      }
    }
    return at + width;
  }

  /** Where a view's history rows hold its join keys, timestamps and features; the same for both read paths. */
  private record HistoryColumns(int[] keys, int eventTs, int createdTs, int[] features) {
    static HistoryColumns of(RowSchema schema, ViewRequest view) {
      String what = "history of feature view '" + view.name() + "'";
      int[] keys = new int[view.joinKeys().size()];
      for (int k = 0; k < keys.length; k++) {
        keys[k] = PointInTimeJoin.requireColumn(schema, view.joinKeys().get(k).name(), what);
      }
      int[] features = new int[view.features().size()];
      for (int f = 0; f < features.length; f++) {
        features[f] = PointInTimeJoin.requireColumn(schema, view.features().get(f), what);
      }
      return new HistoryColumns(keys, PointInTimeJoin.requireColumn(schema, ViewRequest.EVENT_TIMESTAMP, what),
          schema.indexOf(ViewRequest.CREATED_TIMESTAMP), features);
    }
  }
}
