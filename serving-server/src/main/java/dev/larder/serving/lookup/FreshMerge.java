package dev.larder.serving.lookup;

import dev.larder.online.FeatureRowCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges a view's pushed rows into the rows a lookup found in its materialized run, by event timestamp: for
 * each entity the newer row wins, and a materialized row with the same event timestamp as a pushed one is
 * kept (they are the same version). The result is a {@link CachedRow} like any other, so statuses, the TTL
 * rule and the version (the fresh layer is per view version) apply unchanged. Merged rows are not cached:
 * the cache is keyed by run and would go stale with the next push.
 */
final class FreshMerge {
  private FreshMerge() {}

  /**
   * @param fresh the server's fresh layer, or null when it has none
   * @param keys the entity rows' keys, as {@link ViewLookup#keys} encoded them
   * @return {@code rows}, with the entities that have a newer pushed row replaced
   */
  static CachedRow[] merge(FreshRows fresh, ViewSpec spec, EntityKey[] keys, CachedRow[] rows) {
    if (fresh == null) {
      return rows;
    }
    FreshRows.Reader reader = fresh.of(spec.name(), spec.version());
    if (reader == null || rows.length == 0) {
      return rows;
    }
    List<byte[]> encoded = new ArrayList<>(keys.length);
    for (EntityKey key : keys) {
      encoded.add(key.entityKey); // encoded once by ViewLookup, with the view's key codec
    }
    byte[][] pushed;
    try {
      pushed = reader.newest(encoded);
    } catch (IOException e) {
      throw new LookupException(LookupException.Kind.INTERNAL,
          "reading the pushed rows of feature view '" + spec.name() + "' failed: " + e.getMessage());
    }
    CachedRow[] out = rows;
    for (int i = 0; i < rows.length; i++) {
      if (pushed[i] != null && FeatureRowCodec.eventTimestamp(pushed[i]) > rows[i].eventMicros) {
        if (out == rows) {
          out = rows.clone(); // rows may be shared by duplicate entity rows; never change them in place
        }
        out[i] = CachedRow.decode(spec.rowCodec(), pushed[i]);
      }
    }
    return out;
  }
}
