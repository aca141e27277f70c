package dev.larder.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The shuffle key of the point-in-time join of one view: the encoded join key, a time (a history row's
 * availability, an entity row's timestamp), a side (history before entity rows at equal time, since a row
 * available at the entity row's time may be seen) and an order within the side (history read order, entity
 * row number).
 */
record JoinKey(byte[] key, long time, int side, long order) implements Serializable {
  static final int HISTORY = 0;
  static final int ENTITY = 1;
  static final Comparator<JoinKey> ORDER = new Order();

  private static final class Order implements Comparator<JoinKey>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(JoinKey a, JoinKey b) {
      int c = Arrays.compareUnsigned(a.key, b.key);
      if (c != 0) {
        return c;
      }
      c = Long.compare(a.time, b.time);
      if (c != 0) {
        return c;
      }
      c = Integer.compare(a.side, b.side);
      return c != 0 ? c : Long.compare(a.order, b.order);
    }
  }
}
