package dev.larder.materialize;

import dev.larder.online.FeatureRowCodec;

/**
 * Which of two rows of the same entity is newer: the later event timestamp, then the later created
 * timestamp. The one rule used by the in-memory sort, the spill merge and the merge with the served run,
 * so that materialization never replaces a row with an older one.
 */
final class RowOrder {
  private RowOrder() {}

  /** Negative when row x is newer than row y, positive when older, 0 when equally new. */
  static int compareNewest(byte[] bx, int x, byte[] by, int y) {
    long ex = FeatureRowCodec.readLong(bx, x + FeatureRowCodec.EVENT_OFFSET);
    long ey = FeatureRowCodec.readLong(by, y + FeatureRowCodec.EVENT_OFFSET);
    if (ex != ey) {
      return ex > ey ? -1 : 1;
    }
    long cx = FeatureRowCodec.readLong(bx, x + FeatureRowCodec.CREATED_OFFSET);
    long cy = FeatureRowCodec.readLong(by, y + FeatureRowCodec.CREATED_OFFSET);
    return cx == cy ? 0 : cx > cy ? -1 : 1;
  }
}
