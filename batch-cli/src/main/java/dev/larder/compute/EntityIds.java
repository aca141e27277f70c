package dev.larder.compute;

import java.util.Arrays;

/**
 * Dense ids 0, 1, 2... for entity keys, in order of first appearance. Open addressing with linear probing:
 * one lookup per event is the hottest map access of a computation, and a {@code HashMap<Object, Integer>}
 * allocated a node and a boxed id per entity and chased pointers per lookup. Keys that are all {@code Long}
 * (an INT64 or TIMESTAMP join key, the usual case) are probed as primitives in one array that holds each
 * slot's key next to its id, so that a lookup in a table far larger than the CPU caches costs one cache
 * miss rather than one for the key and one for the id.
 */
final class EntityIds {
  private static final int INITIAL_SLOTS = 1024;

  /** Object keys: the key per slot, with {@link #ids}. */
  private Object[] slots;
  /** Id + 1 per slot, 0 for an empty slot (object keys). */
  private int[] ids;
  /** Long keys: slot i at [2i] (the key) and [2i + 1] (id + 1, 0 for an empty slot). */
  private long[] pairs;
  private Object[] keys = new Object[512];
  private int size;

  /** The id of {@code key}, assigning the next one if the key is new. Keys must not be null. */
  int idOf(Object key) {
    if (size == 0 && slots == null && pairs == null) {
      if (key instanceof Long) {
        pairs = new long[2 * INITIAL_SLOTS];
      } else {
        slots = new Object[INITIAL_SLOTS];
        ids = new int[INITIAL_SLOTS];
      }
    }
    return pairs != null ? idOf((long) (Long) key) : idOfObject(key);
  }

  /** The id of a long key (an INT64 or TIMESTAMP join key), without boxing it unless it is new. */
  int idOf(long k) {
    if (pairs == null) {
      if (size > 0 || slots != null) {
        return idOfObject(k);
      }
      pairs = new long[2 * INITIAL_SLOTS];
    }
    int mask = (pairs.length >>> 1) - 1;
    int i = mix(Long.hashCode(k)) & mask;
    while (true) {
      long id = pairs[2 * i + 1];
      if (id == 0) {
        break;
      }
      if (pairs[2 * i] == k) {
        return (int) id - 1;
      }
      i = (i + 1) & mask;
    }
    pairs[2 * i] = k;
    pairs[2 * i + 1] = size + 1;
    return add(k, pairs.length >>> 1);
  }

  private int idOfObject(Object key) {
    int mask = ids.length - 1;
    int i = mix(key.hashCode()) & mask;
    while (ids[i] != 0) {
      if (slots[i].equals(key)) {
        return ids[i] - 1;
      }
      i = (i + 1) & mask;
    }
    slots[i] = key;
    ids[i] = size + 1;
    return add(key, ids.length);
  }

  /** Records the key of the id just placed in a slot of a table of {@code capacity} slots. */
  private int add(Object key, int capacity) {
    int id = size++;
    if (id == keys.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
    }
    keys[id] = key;
    if (size * 2 > capacity) {
      grow(capacity * 2);
    }
    return id;
  }

  /** The key of id {@code id}. */
  Object key(int id) {
    return keys[id];
  }

  int size() {
    return size;
  }

  /** Rebuilds the table with {@code capacity} slots from the key list (ids are positions in it). */
  private void grow(int capacity) {
    int mask = capacity - 1;
    if (pairs != null) {
      pairs = new long[2 * capacity];
      for (int id = 0; id < size; id++) {
        long k = (Long) keys[id];
        int i = mix(Long.hashCode(k)) & mask;
        while (pairs[2 * i + 1] != 0) {
          i = (i + 1) & mask;
        }
        pairs[2 * i] = k;
        pairs[2 * i + 1] = id + 1;
      }
      return;
    }
    slots = new Object[capacity];
    ids = new int[capacity];
    for (int id = 0; id < size; id++) {
      Object k = keys[id];
      int i = mix(k.hashCode()) & mask;
      while (ids[i] != 0) {
        i = (i + 1) & mask;
      }
      slots[i] = k;
      ids[i] = id + 1;
    }
  }

  /** Spreads the bits of hash codes such as Long's, whose low bits follow the (often sequential) ids. */
  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
