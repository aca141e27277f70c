package dev.larder.compute;

import java.util.Arrays;

/**
 * Dense ids 0, 1, 2... for entity keys, in order of first appearance. Open addressing with linear probing:
 * one lookup per event is the hottest map access of a computation, and a {@code HashMap<Object, Integer>}
 * allocated a node and a boxed id per entity and chased pointers per lookup. Keys that are all {@code Long}
 * (an INT64 or TIMESTAMP join key, the usual case) are probed as primitives in one array that holds each
 * slot's key next to its id, so that a lookup in a table far larger than the CPU caches costs one cache
 * miss rather than one for the key and one for the id. Long keys that are small non-negative numbers (user ids
 * counted from 0 or 1, the most common join key) skip even that: their id sits at the key's index in a
 * direct table, four bytes per possible key, whose size is bounded by the number of entities (at most
 * {@link #DIRECT_PER_ENTITY} slots per entity, so that sparse keys cost no more than the hash table would).
 */
final class EntityIds {
  private static final int INITIAL_SLOTS = 1024;
  /** Direct slots allowed per entity known so far (beyond a floor of {@link #DIRECT_FLOOR}). */
  private static final int DIRECT_PER_ENTITY = 8;
  private static final int DIRECT_FLOOR = 1 << 16;

  /** Long keys in [0, direct.length): id + 1 at index key, 0 for none. Such keys are never in {@link #pairs}. */
  private int[] direct = new int[0];

  /** Object keys: the key per slot, with {@link #ids}. */
  private Object[] slots;
  /** Id + 1 per slot, 0 for an empty slot (object keys). */
  private int[] ids;
  /** Long keys: slot i at [2i] (the key) and [2i + 1] (id + 1, 0 for an empty slot). */
  private long[] pairs;
  private Object[] keys = new Object[512];
  private int size;
  /** Long keys in {@link #pairs}. */
  private int hashed;

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
    if (k >= 0 && k < direct.length) {
      int id = direct[(int) k];
      if (id != 0) {
        return id - 1;
      }
      direct[(int) k] = size + 1;
      return add(k);
    }
    if (k >= 0 && directLengthFor(k) <= directBound()) {
      growDirect(directLengthFor(k));
      return idOf(k);
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
    int id = add(k);
    if (++hashed * 2 > pairs.length >>> 1) {
      rehash(pairs.length);
    }
    return id;
  }

  private int idOfObject(Object key) {
    int mask = ids.length - 1;
    int i = mix(key.hashCode()) & mask;
    while (ids[i] != 0) {
      if (slots[i] == key || key.equals(slots[i])) { // shared instances match without loading the stored key
        return ids[i] - 1;
      }
      i = (i + 1) & mask;
    }
    slots[i] = key;
    ids[i] = size + 1;
    int id = add(key);
    if (size * 2 > ids.length) {
      grow(ids.length * 2);
    }
    return id;
  }

  /** Records the key of the id just placed in a table. */
  private int add(Object key) {
    int id = size++;
    if (id == keys.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
    }
    keys[id] = key;
    return id;
  }

  private long directBound() {
    return Math.min(1 << 30, (long) DIRECT_PER_ENTITY * size + DIRECT_FLOOR);
  }

  /** The length (a power of two, at least doubling) the direct table would need to cover key {@code k}. */
  private long directLengthFor(long k) {
    return Math.max(Math.max(2L * direct.length, DIRECT_FLOOR), Long.highestOneBit(k) << 1);
  }

  /**
   * Widens the direct table to {@code length} slots and moves the hashed keys it now covers into it, so that
   * every long key has exactly one place.
   */
  private void growDirect(long wanted) {
    int length = (int) wanted;
    direct = Arrays.copyOf(direct, length);
    int left = 0;
    for (int i = 1; i < pairs.length; i += 2) {
      if (pairs[i] != 0) {
        long key = pairs[i - 1];
        if (key >= 0 && key < length) {
          direct[(int) key] = (int) pairs[i];
        } else {
          left++;
        }
      }
    }
    hashed = left;
    rehash(Math.max(INITIAL_SLOTS, Integer.highestOneBit(Math.max(1, left)) << 2));
  }

  /** The key of id {@code id}. */
  Object key(int id) {
    return keys[id];
  }

  int size() {
    return size;
  }

  /** Rebuilds the object table with {@code capacity} slots from the key list (ids are positions in it). */
  private void grow(int capacity) {
    int mask = capacity - 1;
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

  /** Rebuilds the long table with {@code capacity} slots, keeping the keys the direct table does not cover. */
  private void rehash(int capacity) {
    long[] old = pairs;
    int mask = capacity - 1;
    pairs = new long[2 * capacity];
    for (int j = 0; j < old.length; j += 2) {
      long k = old[j];
      if (old[j + 1] == 0 || (k >= 0 && k < direct.length)) {
        continue;
      }
      int i = mix(Long.hashCode(k)) & mask;
      while (pairs[2 * i + 1] != 0) {
        i = (i + 1) & mask;
      }
      pairs[2 * i] = k;
      pairs[2 * i + 1] = old[j + 1];
    }
  }

  /** Spreads the bits of hash codes such as Long's, whose low bits follow the (often sequential) ids. */
  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
