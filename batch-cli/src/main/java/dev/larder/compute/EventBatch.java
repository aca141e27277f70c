package dev.larder.compute;

import dev.larder.aggregate.Inputs;

/**
 * Events projected onto a view's inputs, in unboxed columns: keys, times and, per input, the value and
 * whether it is present (as {@link Inputs#project} defines it). Lets a batch of source rows reach a
 * {@link Partition} without an object per value; sinks that want one event at a time get them boxed from
 * {@link EventSink#accept(EventBatch)}.
 */
final class EventBatch {
  final Inputs inputs;
  /** Whether keys are longs (an INT64 or TIMESTAMP key) in {@link #longKeys}, else objects in {@link #objectKeys}. */
  final boolean longKeyed;
  final long[] longKeys;
  final Object[] objectKeys;
  final long[] times;
  final long[][] longs;
  final double[][] doubles;
  /** OBJECT inputs' values, null when absent. */
  final Object[][] objects;
  /** LONG, DOUBLE and PRESENCE inputs: whether present. */
  final boolean[][] present;
  int size;
  /** Heap bytes of the object values that are not shared instances (see {@link Partition#estimatedBytes}). */
  long objectBytes;

  EventBatch(Inputs inputs, boolean longKeyed, int capacity) {
    this.inputs = inputs;
    this.longKeyed = longKeyed;
    this.longKeys = longKeyed ? new long[capacity] : null;
    this.objectKeys = longKeyed ? null : new Object[capacity];
    this.times = new long[capacity];
    int n = inputs.size();
    longs = new long[n][];
    doubles = new double[n][];
    objects = new Object[n][];
    present = new boolean[n][];
    for (int i = 0; i < n; i++) {
      switch (inputs.input(i).kind()) {
        case LONG -> longs[i] = new long[capacity];
        case DOUBLE -> doubles[i] = new double[capacity];
        case OBJECT -> objects[i] = new Object[capacity];
        case PRESENCE -> { }
      }
      if (objects[i] == null) {
        present[i] = new boolean[capacity];
      }
    }
  }

  Object key(int e) {
    return longKeyed ? (Object) longKeys[e] : objectKeys[e];
  }

  /** Input {@code i} of event {@code e} as {@link Inputs#project} gives it (Long, Double, the object, TRUE), or null. */
  Object value(int i, int e) {
    return switch (inputs.input(i).kind()) {
      case LONG -> present[i][e] ? (Object) longs[i][e] : null;
      case DOUBLE -> present[i][e] ? (Object) doubles[i][e] : null;
      case OBJECT -> objects[i][e];
      case PRESENCE -> present[i][e] ? Boolean.TRUE : null;
    };
  }

  void clear() {
    size = 0;
    objectBytes = 0;
  }
}
