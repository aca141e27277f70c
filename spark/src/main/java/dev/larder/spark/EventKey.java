package dev.larder.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The shuffle key of an event: its encoded entity key (the shared {@code EntityKeyCodec} bytes), its event time
 * and its position in the embedded engine's read order. Sorting by all three groups each entity's events
 * together, in time order, with ties in read order: exactly the order the embedded engine aggregates in.
 */
record EventKey(byte[] key, long time, long sequence) implements Serializable {
  /** Entity key bytes (unsigned), then time, then read order. */
  static final Comparator<EventKey> ORDER = new Order();

  private static final class Order implements Comparator<EventKey>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(EventKey a, EventKey b) {
      int c = Arrays.compareUnsigned(a.key, b.key);
      if (c != 0) {
        return c;
      }
      c = Long.compare(a.time, b.time);
      return c != 0 ? c : Long.compare(a.sequence, b.sequence);
    }
  }
}
