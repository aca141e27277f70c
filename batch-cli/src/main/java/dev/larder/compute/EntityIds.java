package dev.larder.compute;

import java.util.Arrays;

/**
 * Dense ids 0, 1, 2... for entity keys, in order of first appearance. Open addressing with linear probing
 * over parallel arrays: one lookup per event is the hottest map access of a computation, and a
 * {@code HashMap<Object, Integer>} allocated a node and a boxed id per entity and chased pointers per lookup.
 * Keys that are all {@code Long} (an INT64 or TIMESTAMP join key, the usual case) are probed as primitives,
 * which saves the cache miss of reading the boxed key on every probe.
 */
final class EntityIds {
  private Object[] slots;
  private long[] longSlots;
  /** Id + 1 per slot, 0 for an empty slot. */
  private int[] ids = new int[1024];
  private Object[] keys = new Object[512];
  private int size;

  /** The id of {@code key}, assigning the next one if the key is new. Keys must not be null. */
  int idOf(Object key) {
    if (size == 0 && slots == null && longSlots == null) {
      if (key instanceof Long) {
        longSlots = new long[ids.length];
      } else {
        slots = new Object[ids.length];
      }
    }
    return longSlots != null ? idOfLong(key) : idOfObject(key);
  }

  /** The id of a long key (an INT64 or TIMESTAMP join key), without boxing it unless it is new. */
  int idOf(long k) {
    if (longSlots == null) {
      if (size > 0 || slots != null) {
        return idOfObject(k);
      }
      longSlots = new long[ids.length];
    }
    int mask = ids.length - 1;
    int i = mix(Long.hashCode(k)) & mask;
    while (ids[i] != 0) {
      if (longSlots[i] == k) {
        return ids[i] - 1;
      }
      i = (i + 1) & mask;
    }
    longSlots[i] = k;
    return add(i, k);
  }

  private int idOfLong(Object key) {
    return idOf((long) (Long) key);
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
    return add(i, key);
  }

  private int add(int slot, Object key) {
    int id = size++;
    ids[slot] = id + 1;
    if (id == keys.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
    }
    keys[id] = key;
    if (size * 2 > ids.length) {
      grow();
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

  /** Rebuilds the table at twice the size from the key list (ids are positions in it). */
  private void grow() {
    int capacity = ids.length * 2;
    ids = new int[capacity];
    if (longSlots != null) {
      longSlots = new long[capacity];
    } else {
      slots = new Object[capacity];
    }
    int mask = capacity - 1;
    for (int id = 0; id < size; id++) {
      Object k = keys[id];
      int h = longSlots != null ? Long.hashCode((Long) k) : k.hashCode();
      int i = mix(h) & mask;
      while (ids[i] != 0) {
        i = (i + 1) & mask;
      }
      if (longSlots != null) {
        longSlots[i] = (Long) k;
      } else {
        slots[i] = k;
      }
      ids[i] = id + 1;
    }
  }

  /** Spreads the bits of hash codes such as Long's, whose low bits follow the (often sequential) ids. */
  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
