package dev.larder.compute;

import dev.larder.aggregate.EventBlock;
import dev.larder.aggregate.Inputs;
import dev.larder.aggregate.SlidingWindow;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.function.Supplier;

/**
 * The events of one hash partition in memory: columnar events (an {@link EventBlock}), each tagged with a
 * dense entity id. {@link #aggregate} groups them by entity with a counting sort (O(n), stable, so events of
 * equal time keep input order) and a per-entity sort by time ({@link TimeOrder}), then runs the sliding window
 * per entity.
 *
 * <p>Memory: {@link #bytesPerEvent} per event plus {@link #BYTES_PER_ENTITY} per entity, estimated as
 * events arrive so that the caller can spill before the heap budget is exceeded.
 */
final class Partition implements EventSink {
  /** Per entity: the key object, its slots in {@link EntityIds} (up to 4 per key) and the key list entry. */
  static final long BYTES_PER_ENTITY = 120;
  /** Distinct strings shared per partition; beyond that, values are kept (and counted) one by one. */
  static final int MAX_SHARED_STRINGS = 1 << 16;
  /**
   * Below this many events one thread aggregates. Starting a thread costs about as much as aggregating a few
   * hundred events, so the bar is low (which also puts the two-thread path under the DuckDB comparison test).
   */
  static final int PARALLEL_EVENTS = 1024;

  private final Inputs inputs;
  private final EventBlock block;
  private final EntityIds ids = new EntityIds();
  private int[] entityOf;
  private final long bytesPerEvent;
  private final boolean[] objectInput;
  private final HashMap<String, String> shared = new HashMap<>();
  /** A direct-mapped cache in front of {@link #shared}: an instance seen recently and its shared equal. */
  private final String[] recentIn = new String[1 << 15];
  private final String[] recentOut = new String[1 << 15];
  private long objectBytes;

  Partition(Inputs inputs, int initialCapacity) {
    this.inputs = inputs;
    this.block = new EventBlock(inputs, initialCapacity);
    this.entityOf = new int[Math.max(16, initialCapacity)];
    this.bytesPerEvent = bytesPerEvent(inputs);
    this.objectInput = new boolean[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      objectInput[i] = inputs.input(i).kind() == Inputs.Kind.OBJECT;
    }
  }

  /**
   * Heap bytes per event: the columnar block, the entity id and the sort order. Object values (strings,
   * bytes, lists) are counted separately as they arrive, unless they are shared.
   */
  static long bytesPerEvent(Inputs inputs) {
    return EventBlock.bytesPerEvent(inputs) + 4 + 4;
  }

  @Override
  public void accept(Object key, long time, Object[] projected) {
    int id = ids.idOf(key);
    for (int i = 0; i < projected.length; i++) {
      if (objectInput[i] && projected[i] != null) {
        projected[i] = share(projected[i]);
      }
    }
    int e = block.add(time, projected);
    if (e == entityOf.length) {
      entityOf = Arrays.copyOf(entityOf, entityOf.length * 2);
    }
    entityOf[e] = id;
  }

  /**
   * The columnar twin of {@link #accept(Object, long, Object[])}: object values come from the reader's
   * dictionaries (one instance per distinct value), so they are stored as they are; the batch says how many
   * bytes the others take.
   */
  @Override
  public void accept(EventBatch b) {
    int n = b.size;
    int first = block.size();
    if (first + n > entityOf.length) {
      entityOf = Arrays.copyOf(entityOf, Math.max(entityOf.length * 2, first + n));
    }
    // A loop of lookups alone: the lookups of successive events then wait on their cache misses together.
    if (b.longKeyed) {
      long[] keys = b.longKeys;
      for (int e = 0; e < n; e++) {
        entityOf[first + e] = ids.idOf(keys[e]);
      }
    } else {
      for (int e = 0; e < n; e++) {
        entityOf[first + e] = ids.idOf(b.objectKeys[e]);
      }
    }
    block.appendAll(b.times, n);
    for (int i = 0; i < inputs.size(); i++) {
      switch (inputs.input(i).kind()) {
        case LONG -> {
          boolean[] p = b.present[i];
          long[] v = b.longs[i];
          for (int e = 0; e < n; e++) {
            if (p[e]) block.setLong(i, first + e, v[e]);
          }
        }
        case DOUBLE -> {
          boolean[] p = b.present[i];
          double[] v = b.doubles[i];
          for (int e = 0; e < n; e++) {
            if (p[e]) block.setDouble(i, first + e, v[e]);
          }
        }
        case OBJECT -> {
          Object[] v = b.objects[i];
          for (int e = 0; e < n; e++) {
            block.setObject(i, first + e, v[e]);
          }
        }
        case PRESENCE -> {
          boolean[] p = b.present[i];
          for (int e = 0; e < n; e++) {
            if (p[e]) block.setPresent(i, first + e);
          }
        }
      }
    }
    objectBytes += b.objectBytes;
  }

  /** Repeated strings (event types, categories) are stored once; readers hand out a new String per row. */
  private Object share(Object v) {
    if (v instanceof String str) {
      // Readers hand out one String instance per dictionary entry, so most values are found here by identity.
      int slot = str.hashCode() & (recentIn.length - 1);
      if (recentIn[slot] == str) {
        return recentOut[slot];
      }
      String known = shared.get(str);
      if (known == null && shared.size() < MAX_SHARED_STRINGS) {
        shared.put(str, str);
        objectBytes += 80 + 2L * str.length(); // the string plus the map entry
        known = str;
      }
      if (known != null) {
        recentIn[slot] = str;
        recentOut[slot] = known;
        return known;
      }
      objectBytes += 48 + 2L * str.length();
      return str;
    }
    objectBytes += v instanceof byte[] b ? 16 + b.length : 64;
    return v;
  }

  int events() {
    return block.size();
  }

  int entities() {
    return ids.size();
  }

  long estimatedBytes() {
    return block.size() * bytesPerEvent + ids.size() * BYTES_PER_ENTITY + objectBytes;
  }

  /** Replays the events in input order, e.g. into spill files when the partition outgrows memory. */
  void drainTo(EventSink sink) throws IOException {
    Object[] projected = new Object[inputs.size()];
    for (int e = 0; e < block.size(); e++) {
      for (int i = 0; i < projected.length; i++) {
        projected[i] = block.value(i, e);
      }
      sink.accept(ids.key(entityOf[e]), block.time(e), projected);
    }
  }

  /** Receives output rows: an entity's key and its aggregates at as-of index {@code asOf}. */
  interface RowSink {
    void accept(Object key, int asOf, Object[] values) throws IOException;

    /** Called after the last row. */
    default void flush() throws IOException {}
  }

  /**
   * Aggregates every entity of the partition at every as-of time. Reorders the events: call once, last.
   * With two or more processors and enough events, the entities are split in two halves by event count and
   * the second half is aggregated on another thread (entities are independent; the block is only read), each
   * thread with its own sliding window and its own sink from {@code sinks}.
   */
  void aggregate(SlidingWindow window, long[] asOfs, Supplier<RowSink> sinks) throws IOException {
    int n = block.size();
    int entities = ids.size();
    int[] start = new int[entities + 1];
    for (int e = 0; e < n; e++) {
      start[entityOf[e] + 1]++;
    }
    for (int i = 0; i < entities; i++) {
      start[i + 1] += start[i];
    }
    int[] order = new int[n];
    int[] fill = Arrays.copyOf(start, entities);
    for (int e = 0; e < n; e++) {
      order[fill[entityOf[e]]++] = e;
    }
    fill = null;
    boolean parallel = n >= PARALLEL_EVENTS && Runtime.getRuntime().availableProcessors() >= 2;
    int split = 0;
    while (split < entities && start[split] < n / 2) {
      split++;
    }
    long[] times = new long[n];
    if (parallel) {
      sortByTimeOnTwoThreads(order, start, split, entities, times);
    } else {
      TimeOrder.sort(block, order, start, 0, entities, times);
    }
    // Lay the events out entity by entity, in time order, so the window reads them sequentially. Even for
    // one as-of time, where the window reads each event about once, gathering first is cheaper than reading
    // through the order: the gather loops keep many cache misses in flight, the window's reads wait on each.
    block.reorder(order, times, parallel);
    order = null;
    if (!parallel) {
      aggregate(window, asOfs, start, 0, entities, sinks.get());
      return;
    }
    int from = split;
    RowSink second = sinks.get();
    SlidingWindow other = new SlidingWindow(window.specs(), inputs);
    Throwable[] failure = new Throwable[1];
    Thread t = new Thread(() -> {
      try {
        aggregate(other, asOfs, start, from, entities, second);
      } catch (Throwable e) {
        failure[0] = e;
      }
    }, "larder-aggregate");
    t.setDaemon(true);
    t.start();
    try {
      aggregate(window, asOfs, start, 0, split, sinks.get());
    } finally {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while aggregating");
      }
    }
    if (failure[0] instanceof IOException e) {
      throw e;
    } else if (failure[0] instanceof RuntimeException e) {
      throw e;
    } else if (failure[0] instanceof Error e) {
      throw e;
    }
  }

  /** Sorts entities [split, entities) on a helper thread and [0, split) on this one (they are independent). */
  private void sortByTimeOnTwoThreads(int[] order, int[] start, int split, int entities, long[] times)
      throws IOException {
    RuntimeException[] failure = new RuntimeException[1];
    Thread t = new Thread(() -> {
      try {
        TimeOrder.sort(block, order, start, split, entities, times);
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    }, "larder-sort");
    t.setDaemon(true);
    t.start();
    TimeOrder.sort(block, order, start, 0, split, times);
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while sorting events");
    }
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  /** Aggregates entities [first, last) into {@code sink}, then flushes it. */
  private void aggregate(SlidingWindow window, long[] asOfs, int[] start, int first, int last, RowSink sink)
      throws IOException {
    IOException[] failure = new IOException[1];
    for (int id = first; id < last; id++) {
      Object key = ids.key(id);
      window.run(block, null, start[id], start[id + 1], asOfs, (t, values) -> {
        if (failure[0] == null) {
          try {
            sink.accept(key, t, values);
          } catch (IOException ex) {
            failure[0] = ex;
          }
        }
      });
      if (failure[0] != null) {
        throw failure[0];
      }
    }
    sink.flush();
  }
}
