package dev.larder.serving.lookup;

import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.online.ViewData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One view's share of one request: the rows of its entities, first from the cache ({@link #probeCache}), then
 * the misses from the view's pinned run with one RocksDB multiGet of the distinct keys ({@link #readMisses}).
 * The two steps are separate so that a request can probe the cache for every view and then read the misses
 * of several views at once.
 */
final class ViewLookup {
  private final ViewSpec spec;
  private final ViewData data;
  private final CachedRow[] found;
  private EntityKey[] keys;
  private EntityRows[] cached;
  private int misses;

  /** @param data the view's pinned run, or null when nothing is materialized (every entity NOT_FOUND) */
  ViewLookup(ViewSpec spec, ViewData data, int rows) {
    this.spec = spec;
    this.data = data;
    this.found = new CachedRow[rows];
  }

  /**
   * Encodes each entity row's key and takes its row from the cache where it is.
   *
   * @param sameKeys a view of the same request with the same join keys that probed already: its entity keys
   *     and cache entries are this view's too; null to encode and probe here
   * @throws LookupException INVALID_ARGUMENT naming the entity row whose key values do not fit the view
   */
  void probeCache(List<RepeatedValue> keyColumns, RowCache cache, ViewLookup sameKeys) {
    if (sameKeys != null) {
      keys = sameKeys.keys;
      cached = sameKeys.cached;
    } else {
      keys = encode(keyColumns);
      cached = new EntityRows[keys.length];
      for (int i = 0; i < keys.length; i++) {
        cached[i] = cache.entity(keys[i]);
      }
    }
    if (data == null) {
      Arrays.fill(found, CachedRow.MISSING);
      return;
    }
    long runId = data.runId();
    long now = System.nanoTime();
    for (int i = 0; i < found.length; i++) {
      found[i] = cache.row(cached[i], spec.name(), spec.version(), runId, now);
      if (found[i] == null) {
        misses++;
      }
    }
  }

  private EntityKey[] encode(List<RepeatedValue> keyColumns) {
    EntityKey[] out = new EntityKey[found.length];
    Value[] keyValues = new Value[keyColumns.size()];
    List<Value> keyList = Arrays.asList(keyValues);
    for (int i = 0; i < out.length; i++) {
      for (int k = 0; k < keyValues.length; k++) {
        keyValues[k] = keyColumns.get(k).getValues(i);
      }
      try {
        out[i] = new EntityKey(spec.keySpace(), spec.keyCodec().encode(keyList));
      } catch (IllegalArgumentException e) {
        throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "entity row " + i + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** Entity rows the cache did not have (duplicates counted). */
  int misses() {
    return misses;
  }

  /** Reads the rows the cache did not have, with one multiGet of the distinct keys, and caches them. */
  void readMisses(RowCache cache) {
    if (misses == 0) {
      return;
    }
    // Distinct missing keys, each with the first row that asked for it; later duplicates copy that row.
    Map<EntityKey, Integer> first = misses > 1 ? new HashMap<>(misses * 2) : null;
    int[] rowOf = new int[misses];
    List<byte[]> wanted = new ArrayList<>(misses);
    int[] duplicateOf = new int[found.length];
    Arrays.fill(duplicateOf, -1);
    for (int i = 0; i < found.length; i++) {
      if (found[i] != null) {
        continue;
      }
      Integer earlier = first == null ? null : first.putIfAbsent(keys[i], i);
      if (earlier != null) {
        duplicateOf[i] = earlier;
      } else {
        rowOf[wanted.size()] = i;
        wanted.add(keys[i].entityKey);
      }
    }
    byte[][] values;
    try {
      values = data.multiGet(wanted);
    } catch (IOException e) {
      throw new LookupException(LookupException.Kind.INTERNAL,
          "reading feature view '" + spec.name() + "' failed: " + e.getMessage());
    }
    for (int j = 0; j < values.length; j++) {
      CachedRow row = values[j] == null ? CachedRow.MISSING : CachedRow.decode(spec.rowCodec(), values[j]);
      int i = rowOf[j];
      found[i] = row;
      cache.put(keys[i], spec.name(), spec.version(), data.runId(), row);
    }
    for (int i = 0; i < found.length; i++) {
      if (duplicateOf[i] >= 0) {
        found[i] = found[duplicateOf[i]];
      }
    }
    misses = 0;
  }

  /** The key of every entity row, once {@link #probeCache} ran. */
  EntityKey[] keys() {
    return keys;
  }

  /** The row of every entity row, once {@link #readMisses} ran. */
  CachedRow[] rows() {
    return found;
  }
}
