package dev.larder.serving.lookup;

import java.io.IOException;
import java.util.List;

/**
 * The narrow hook through which pushed rows (the fresh layer, see {@code dev.larder.serving.push}) reach
 * lookups. The lookup layer only asks it for the newest pushed row of some entities; how rows are stored and
 * written is not its business.
 */
public interface FreshRows {
  /**
   * The pushed rows of one view version, or null when it has none. This is asked once per view per request,
   * and for a view that is never pushed to it must answer null without allocating or touching the disk.
   */
  Reader of(String view, long version);

  /** Reads one view version's pushed rows. */
  interface Reader {
    /**
     * For each encoded entity key, its newest pushed row ({@code FeatureRowCodec} bytes), or null when none
     * was pushed; at least as new as every push acknowledged before the call.
     */
    byte[][] newest(List<byte[]> entityKeys) throws IOException;
  }
}
