package dev.larder.join;

import dev.larder.pointintime.PointInTimeRule;
import dev.larder.core.v1.ValueType;
import dev.larder.online.FeatureRowCodec;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One view's winners for one {@link EntityChunk}: given the chunk's rows grouped by time slice and join key
 * ({@link KeyGroups}, shared by the views with the same key and TTL), every history row of the view is offered
 * to the rows of its key that may see it under the {@link PointInTimeRule}, keeping the best candidate per row.
 * History is streamed once and never sorted or stored; only each row's current winner (times and feature
 * values) is kept.
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

  /** Heap bytes per feature value kept boxed: a reference and a boxed number (dictionary strings are shared). */
  static final long BYTES_PER_VALUE = 20;
  /** Heap bytes per entity row of a block's {@link KeyGroups} besides its key table: group, position, time. */
  static final long GROUP_BYTES_PER_ROW = 4 + 4 + 4 + 8;

  private final ViewRequest view;
  private final PointInTimeRule rule;
  private final EntityChunk chunk;
  private final KeyGroups groups;
  private final long[] state;
  /** Feature values of each position's winner, position-major: boxed, or raw when read in raw batches. */
  private Object[] values;
  /** Longs of state per position: {@link #STRIDE}, plus the null bits and values if the view may be raw. */
  private final int stride;
  /** Whether feature values are raw in the state (set once the history was opened in raw batches). */
  private boolean rawState;
  private ValueType[] types;
  private final int width;
  private long matchedRows;
  /** The slices a history row with these times may be seen from, kept for the next row (see probe). */
  private boolean slicesKnown;
  private long slicesOfEvent;
  private long slicesOfAvailable;
  private int firstSlice;
  private int lastSlice;
  /** A sum of the state times the raw path loads ahead; kept so that the compiler keeps the loads. */
  @SuppressWarnings("unused")
  private long loadedTimes;

  /**
   * @param previous the same view's matches in the previous block, whose arrays these reuse if large enough
   *     (null if none; it is unusable afterwards): a block's state arrays are its largest, and allocating new
   *     ones each block filled the old generation with garbage that took a full collection per block to free
   */
  ViewMatches(ViewRequest view, EntityChunk chunk, KeyGroups groups, ViewMatches previous) {
    this.view = view;
    this.rule = view.rule();
    this.chunk = chunk;
    this.groups = groups;
    this.width = view.features().size();
    this.stride = mayBeRaw(view) ? RAW_VALUES + width : STRIDE;
    int size = groups.positions() * stride;
    if (previous != null && previous.state.length >= size) {
      this.state = previous.state;
      Arrays.fill(state, 0, size, 0L);
    } else {
      this.state = new long[size];
    }
    if (previous != null && previous.values != null) {
      Arrays.fill(previous.values, null); // let the previous winners go, even if the array is not reused
      this.values = previous.values;
    }
    for (int p = 0; p < groups.positions(); p++) {
      state[p * stride + TIME] = groups.times[p];
    }
  }

  /**
   * Heap bytes per entity row of this view's state: its winner's times and, when its history may come in raw
   * batches, raw values in the state; else boxed values beside it. A view whose history then is not raw
   * (not Parquet) keeps both, which the join's share of the heap leaves room for.
   */
  static long bytesPerRow(ViewRequest view) {
    int width = view.features().size();
    return mayBeRaw(view) ? 8L * (RAW_VALUES + width) : 8L * STRIDE + width * BYTES_PER_VALUE;
  }

  /** Longs of state per row at most, for any view: what bounds a block's rows. */
  static int maxStride(int width) {
    return RAW_VALUES + width;
  }

  /** The key groups of a block for views with this view's join key and TTL. */
  static KeyGroups keyGroups(ViewRequest view, EntityChunk chunk, int[] keyColumns, KeyGroups previous) {
    return new KeyGroups(chunk, keyColumns, types(view.joinKeys()),
        view.rule().hasTtl() ? view.rule().ttlMicros() : Long.MAX_VALUE, previous);
  }

  /** The key groups these matches use, for the next block's groups to reuse. */
  KeyGroups groups() {
    return groups;
  }

  /**
   * Offers a history row to the rows of its key in every slice that has rows which may see it: from the slice
   * of its availability to the slice of its expiry. The key is {@code longKey} when the view's key is
   * {@link KeyGroups#oneInteger one integer}, else the first {@code length} bytes of {@code key}.
   */
  private void probe(byte[] key, int length, long longKey, long ets, long cts, long available, Object[] row,
                     int[] features) {
    int hash = groups.oneInteger ? KeyEncoder.hash(longKey) : KeyEncoder.hash(key, length);
    slicesFor(ets, available);
    for (int s = firstSlice; s <= lastSlice; s++) {
      int group = groupIn(s, key, length, longKey, hash);
      if (group >= 0) {
        offer(group, ets, cts, available, row, features);
      }
    }
  }

  /** The group of a key in slice {@code s}, or -1 when the slice has no row of that key (see {@link #probe}). */
  private int groupIn(int s, byte[] key, int length, long longKey, int hash) {
    KeyIndex index = groups.slices[s];
    int id = groups.oneInteger ? index.findLong(longKey, hash) : index.find(key, length, hash);
    return id < 0 ? -1 : groups.sliceBase[s] + id;
  }

  /** Sets {@link #firstSlice} and {@link #lastSlice} for a history row with these times. */
  private void slicesFor(long ets, long available) {
    if (!slicesKnown || ets != slicesOfEvent || available != slicesOfAvailable) { // snapshot rows share times
      slicesKnown = true;
      slicesOfEvent = ets;
      slicesOfAvailable = available;
      firstSlice = groups.sliceOf(available);
      lastSlice = rule.hasTtl() && ets <= Long.MAX_VALUE - rule.ttlMicros()
          ? groups.sliceOf(ets + rule.ttlMicros() - 1) : groups.slices.length - 1;
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
    if (groups.positions() == 0) {
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
    if (values == null || values.length < groups.positions() * width) {
      values = new Object[groups.positions() * width];
    }
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
        if (groups.oneInteger) {
          Object key = r[keyColumn];
          if (key != null) {
            probe(null, 8, ((Number) key).longValue(), ets, cts, available, r, features);
          }
          continue;
        }
        int length = encoder.encodeInPlace(r);
        if (length < 0) {
          continue;
        }
        probe(encoder.buffer(), length, 0, ets, cts, available, r, features);
      }
      progress.addAndGet(read & 0xFFF);
    }
  }

  /**
   * The raw path of {@link #join}, a batch at a time in two passes. The first finds the key groups the batch's
   * rows hit, the second offers the rows to them. Apart, the first pass is a tight loop of independent loads
   * (the key table, and the first state of each group hit, loaded only so that it is in the cache for the
   * second pass), which the processor overlaps. Interleaved, each row waited for its table and state cache
   * misses one after the other, and that waiting was most of a large join's time.
   */
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
    int[] hitRow = new int[8192];
    int[] hitGroup = new int[8192];
    long touched = 0;
    for (int n = in.next(); n > 0; n = in.next()) {
      long[][] raw = in.raw();
      boolean[][] nulls = in.nulls();
      long[] event = raw[eventTs];
      boolean[] eventNull = nulls[eventTs];
      long[] keys = raw[columns.keys()[0]];
      boolean[] keyNull = nulls[columns.keys()[0]];
      int hits = 0;
      for (int r = 0; r < n; r++) {
        if (eventNull[r]) {
          continue;
        }
        long ets = event[r];
        long available = rule.availableAt(ets, createdTime(raw, nulls, createdTs, r));
        if (available > chunk.maxTime || !rule.isFresh(Math.max(available, chunk.minTime), ets)) {
          continue; // no row of the chunk can see it
        }
        int length = groups.oneInteger ? (keyNull[r] ? -1 : 8) : encoder.encodeRaw(raw, nulls, r);
        if (length < 0) {
          continue; // a null key
        }
        int hash = groups.oneInteger ? KeyEncoder.hash(keys[r]) : KeyEncoder.hash(encoder.buffer(), length);
        slicesFor(ets, available);
        for (int s = firstSlice; s <= lastSlice; s++) {
          int group = groupIn(s, encoder.buffer(), length, keys[r], hash);
          if (group >= 0) {
            if (hits == hitRow.length) {
              hitRow = Arrays.copyOf(hitRow, hits * 2);
              hitGroup = Arrays.copyOf(hitGroup, hits * 2);
            }
            hitRow[hits] = r;
            hitGroup[hits++] = group;
            touched += state[groups.groupStart[group] * stride + TIME];
          }
        }
      }
      for (int h = 0; h < hits; h++) {
        int r = hitRow[h];
        long ets = event[r];
        long cts = createdTime(raw, nulls, createdTs, r);
        offerRaw(hitGroup[h], ets, cts, rule.availableAt(ets, cts), raw, nulls, r, features);
      }
      progress.addAndGet(n);
    }
    loadedTimes = touched;
  }

  private static long createdTime(long[][] raw, boolean[][] nulls, int createdTs, int r) {
    return createdTs < 0 || nulls[createdTs][r] ? PointInTimeRule.NO_CREATED : raw[createdTs][r];
  }

  /** {@link #offer} for row {@code r} of raw columns. */
  private void offerRaw(int id, long ets, long cts, long available, long[][] raw, boolean[][] nulls, int r,
                        int[] features) {
    int end = groups.groupStart[id + 1];
    for (int p = firstAtOrAfter(groups.groupStart[id], end, available); p < end; p++) {
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
    int end = groups.groupStart[id + 1];
    for (int p = firstAtOrAfter(groups.groupStart[id], end, available); p < end; p++) {
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

  /** The position of chunk row {@code r} if a history row matched it, else -1. */
  private int winner(int r) {
    int p = groups.positionOf[r];
    return p >= 0 && state[p * stride + MATCHED] != 0 ? p : -1;
  }

  /** Copies the winner's feature values of chunk row {@code r} into {@code out} from {@code at} (nulls if none). */
  int copyValues(int r, Object[] out, int at) {
    int p = winner(r);
    int s = p * stride;
    if (p >= 0) {
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

  /**
   * Sets {@code nulls[at..at + width)} to whether each feature of chunk row {@code r}'s winner is null (all, if
   * it has none); the first half of writing the row as a record, {@link #writeValues} the second.
   */
  int nullsOf(int r, boolean[] nulls, int at) {
    int p = winner(r);
    if (p < 0) {
      Arrays.fill(nulls, at, at + width, true);
    } else if (!rawState) {
      for (int f = 0; f < width; f++) {
        nulls[at + f] = values[p * width + f] == null;
      }
    } else {
      long bits = state[p * stride + NULL_BITS];
      for (int f = 0; f < width; f++) {
        nulls[at + f] = (bits & 1L << f) != 0;
      }
    }
    return at + width;
  }

  /** Writes the non-null feature values of chunk row {@code r}'s winner as features {@code at...} of a record. */
  int writeValues(int r, FeatureRowCodec.RecordWriter out, int at) {
    int p = winner(r);
    if (p >= 0) {
      if (!rawState) {
        for (int f = 0; f < width; f++) {
          Object v = values[p * width + f];
          if (v != null) {
            out.value(at + f, v);
          }
        }
      } else {
        int s = p * stride;
        long bits = state[s + NULL_BITS];
        for (int f = 0; f < width; f++) {
          if ((bits & 1L << f) == 0) {
            out.raw(at + f, state[s + RAW_VALUES + f]);
          }
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
