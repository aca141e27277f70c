package dev.larder.aggregate;

import java.util.Arrays;

/**
 * Events held in memory in columns: the event time and, for each {@link Inputs input}, its projected value
 * (longs and doubles unboxed, with a presence bit). This is the state the sliding window reads; keeping it
 * columnar costs 8 bytes per event for the time plus, per input, 8 bytes and a bit (LONG, DOUBLE), a reference
 * (OBJECT, plus the object unless shared) or a bit (PRESENCE).
 */
public final class EventBlock {
  private final Inputs inputs;
  private long[] times;
  private final long[][] longs;
  private final double[][] doubles;
  private final Object[][] objects;
  private final long[][] present;
  private int size;

  public EventBlock(Inputs inputs, int initialCapacity) {
    this.inputs = inputs;
    int n = inputs.size();
    int cap = Math.max(16, initialCapacity);
    times = new long[cap];
    longs = new long[n][];
    doubles = new double[n][];
    objects = new Object[n][];
    present = new long[n][];
    for (int i = 0; i < n; i++) {
      switch (inputs.input(i).kind()) {
        case LONG -> longs[i] = new long[cap];
        case DOUBLE -> doubles[i] = new double[cap];
        case OBJECT -> objects[i] = new Object[cap];
        case PRESENCE -> { }
      }
      if (inputs.input(i).kind() != Inputs.Kind.OBJECT) {
        present[i] = new long[(cap + 63) >>> 6];
      }
    }
  }

  public Inputs inputs() {
    return inputs;
  }

  public int size() {
    return size;
  }

  /** Appends an event with values projected by {@link Inputs#project}; returns its index. */
  public int add(long time, Object[] projected) {
    if (size == times.length) {
      grow();
    }
    int e = size++;
    times[e] = time;
    for (int i = 0; i < projected.length; i++) {
      Object v = projected[i];
      switch (inputs.input(i).kind()) {
        case LONG -> { if (v != null) longs[i][e] = (Long) v; }
        case DOUBLE -> { if (v != null) doubles[i][e] = (Double) v; }
        case OBJECT -> objects[i][e] = v;
        case PRESENCE -> { }
      }
      if (present[i] != null) {
        long bit = 1L << e;
        if (v != null) {
          present[i][e >>> 6] |= bit;
        } else {
          present[i][e >>> 6] &= ~bit;
        }
      }
    }
    return e;
  }

  /**
   * Appends an event whose inputs are all absent and returns its index; the {@code set} methods then give
   * it values. The columnar twin of {@link #add}, for readers that have unboxed values at hand.
   */
  public int append(long time) {
    if (size == times.length) {
      grow();
    }
    int e = size++;
    times[e] = time;
    long keep = ~(1L << e);
    for (int i = 0; i < present.length; i++) {
      if (present[i] != null) {
        present[i][e >>> 6] &= keep;
      } else {
        objects[i][e] = null;
      }
    }
    return e;
  }

  /**
   * Appends {@code n} events with times {@code times[0, n)} whose inputs are all absent, and returns the
   * index of the first: {@link #append} for a batch, with one capacity check and word-wide clearing of the
   * presence bits instead of a pass over the inputs per event.
   */
  public int appendAll(long[] times, int n) {
    while (size + n > this.times.length) {
      grow();
    }
    int first = size;
    System.arraycopy(times, 0, this.times, first, n);
    size += n;
    for (int i = 0; i < present.length; i++) {
      if (present[i] != null) {
        clearBits(present[i], first, size);
      } else {
        Arrays.fill(objects[i], first, size, null);
      }
    }
    return first;
  }

  /** Clears bits [from, to) of a bit set. */
  private static void clearBits(long[] bits, int from, int to) {
    for (int e = from; e < to && (e & 63) != 0; e++) {
      bits[e >>> 6] &= ~(1L << e);
    }
    int w = (from + 63) >>> 6;
    int end = to >>> 6;
    if (w < end) {
      Arrays.fill(bits, w, end, 0L);
    }
    for (int e = Math.max(from, end << 6); e < to; e++) {
      bits[e >>> 6] &= ~(1L << e);
    }
  }

  /** Marks PRESENCE input {@code input} of event {@code e} present (its filter passed). */
  public void setPresent(int input, int e) {
    present[input][e >>> 6] |= 1L << e;
  }

  /** Sets the value of LONG input {@code input} of event {@code e}. */
  public void setLong(int input, int e, long v) {
    longs[input][e] = v;
    present[input][e >>> 6] |= 1L << e;
  }

  /** Sets the value of DOUBLE input {@code input} of event {@code e}. */
  public void setDouble(int input, int e, double v) {
    doubles[input][e] = v;
    present[input][e >>> 6] |= 1L << e;
  }

  /** Sets the value of OBJECT input {@code input} of event {@code e} (null: absent). */
  public void setObject(int input, int e, Object v) {
    objects[input][e] = v;
  }

  public long time(int e) {
    return times[e];
  }

  public boolean present(int input, int e) {
    long[] bits = present[input];
    return bits == null ? objects[input][e] != null : (bits[e >>> 6] & (1L << e)) != 0;
  }

  public long longValue(int input, int e) {
    return longs[input][e];
  }

  public double doubleValue(int input, int e) {
    return doubles[input][e];
  }

  /** The projected value of an input (Long, Double, the object, or Boolean.TRUE for presence), or null. */
  public Object value(int input, int e) {
    if (!present(input, e)) {
      return null;
    }
    return switch (inputs.input(input).kind()) {
      case LONG -> longs[input][e];
      case DOUBLE -> doubles[input][e];
      case OBJECT -> objects[input][e];
      case PRESENCE -> Boolean.TRUE;
    };
  }

  /**
   * Rearranges the events so that position k holds the event that was at {@code order[k]}; after that the
   * sliding window reads each entity's events sequentially instead of jumping through the block. Each column
   * is gathered into a new array in turn, so at most one column's worth of extra memory is in use at a time
   * (sequential writes with one random read per value; following the permutation's cycles in place saved that
   * column but cost several times more, as every step was a cache miss).
   *
   * @param order a permutation of [0, size)
   */
  public void reorder(int[] order) {
    reorder(order, false);
  }

  /**
   * {@link #reorder(int[])}, optionally with each column gathered by two threads (the caller and one more,
   * each filling half of the new column): the gather is bound by memory latency, which a second core halves.
   */
  public void reorder(int[] order, boolean twoThreads) {
    reorder(order, null, twoThreads);
  }

  /**
   * {@link #reorder(int[], boolean)} for a caller that already has the times in the new order (a time sort
   * gathers them): {@code reorderedTimes[k]} must be the time of event {@code order[k]}, for k in [0, size);
   * the block keeps that array instead of gathering and allocating another. Null: gather them here.
   */
  public void reorder(int[] order, long[] reorderedTimes, boolean twoThreads) {
    int n = size;
    int split = twoThreads && n >= PARALLEL_REORDER ? (n / 2) & ~63 : n; // whole presence words per thread
    if (reorderedTimes != null && reorderedTimes.length >= n) {
      times = reorderedTimes;
    } else {
      long[] t = new long[times.length];
      gather(split, n, (from, to) -> {
        for (int k = from; k < to; k++) {
          t[k] = times[order[k]];
        }
      });
      times = t;
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (longs[i] != null) {
        long[] src = longs[i];
        long[] dst = new long[src.length];
        gather(split, n, (from, to) -> {
          for (int k = from; k < to; k++) {
            dst[k] = src[order[k]];
          }
        });
        longs[i] = dst;
      }
      if (doubles[i] != null) {
        double[] src = doubles[i];
        double[] dst = new double[src.length];
        gather(split, n, (from, to) -> {
          for (int k = from; k < to; k++) {
            dst[k] = src[order[k]];
          }
        });
        doubles[i] = dst;
      }
      if (objects[i] != null) {
        Object[] src = objects[i];
        Object[] dst = new Object[src.length];
        gather(split, n, (from, to) -> {
          for (int k = from; k < to; k++) {
            dst[k] = src[order[k]];
          }
        });
        objects[i] = dst;
      }
      if (present[i] != null) {
        long[] src = present[i];
        long[] dst = new long[src.length];
        gather(split, n, (from, to) -> {
          for (int k = from; k < to; k++) {
            int e = order[k];
            if ((src[e >>> 6] & (1L << e)) != 0) {
              dst[k >>> 6] |= 1L << k;
            }
          }
        });
        present[i] = dst;
      }
    }
  }

  /** Events below which one thread reorders: starting a thread costs about as much as gathering a few thousand. */
  private static final int PARALLEL_REORDER = 1 << 16;

  private interface Range {
    void run(int from, int to);
  }

  /** Runs {@code [split, n)} on a helper thread and {@code [0, split)} on this one (all here when split == n). */
  private static void gather(int split, int n, Range range) {
    if (split >= n) {
      range.run(0, n);
      return;
    }
    Throwable[] failure = new Throwable[1];
    Thread helper = new Thread(() -> {
      try {
        range.run(split, n);
      } catch (Throwable t) {
        failure[0] = t;
      }
    }, "larder-reorder");
    helper.start();
    range.run(0, split);
    try {
      helper.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reordering events", e);
    }
    if (failure[0] instanceof RuntimeException e) {
      throw e;
    } else if (failure[0] instanceof Error e) {
      throw e;
    }
  }

  /** Forgets all events, keeping the arrays for reuse; object references are dropped. */
  public void clear() {
    for (Object[] o : objects) {
      if (o != null) {
        Arrays.fill(o, 0, size, null);
      }
    }
    size = 0;
  }

  /** Approximate heap bytes per event of this block's layout, not counting shared or referenced objects. */
  public static long bytesPerEvent(Inputs inputs) {
    long b = 8;
    for (int i = 0; i < inputs.size(); i++) {
      b += switch (inputs.input(i).kind()) {
        case LONG, DOUBLE -> 9;
        case OBJECT -> 8;
        case PRESENCE -> 1;
      };
    }
    return b;
  }

  private void grow() {
    int cap = (int) Math.min(Integer.MAX_VALUE - 8L, times.length + (times.length >> 1));
    if (cap == times.length) {
      throw new IllegalStateException("more than " + cap + " events in one block");
    }
    times = Arrays.copyOf(times, cap);
    for (int i = 0; i < longs.length; i++) {
      if (longs[i] != null) longs[i] = Arrays.copyOf(longs[i], cap);
      if (doubles[i] != null) doubles[i] = Arrays.copyOf(doubles[i], cap);
      if (objects[i] != null) objects[i] = Arrays.copyOf(objects[i], cap);
      if (present[i] != null) present[i] = Arrays.copyOf(present[i], (cap + 63) >>> 6);
    }
  }
}
