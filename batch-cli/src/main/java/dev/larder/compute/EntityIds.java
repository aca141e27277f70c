package dev.larder.compute;

import java.util.Arrays;

/**
 * Dense ids 0, 1, 2... for entity keys, in order of first appearance. Open addressing with linear probing
 * over parallel arrays: one lookup per event is the hottest map access of a computation, and a
 * {@code HashMap<Object, Integer>} allocated a node and a boxed id per entity and chased pointers per lookup.
 */
final class EntityIds {
  private Object[] slots = new Object[1024];
  private int[] ids = new int[1024];
  private Object[] keys = new Object[512];
  private int size;

  /** The id of {@code key}, assigning the next one if the key is new. Keys must not be null. */
  int idOf(Object key) {
    int mask = slots.length - 1;
    int i = mix(key.hashCode()) & mask;
    while (true) {
      Object k = slots[i];
      if (k == null) {
        break;
      }
      if (k.equals(key)) {
        return ids[i];
      }
      i = (i + 1) & mask;
    }
    int id = size++;
    slots[i] = key;
    ids[i] = id;
    if (id == keys.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
    }
    keys[id] = key;
    if (size * 2 > slots.length) {
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

  private void grow() {
    Object[] oldSlots = slots;
    int[] oldIds = ids;
    slots = new Object[oldSlots.length * 2];
    ids = new int[oldSlots.length * 2];
    int mask = slots.length - 1;
    for (int j = 0; j < oldSlots.length; j++) {
      Object k = oldSlots[j];
      if (k != null) {
        int i = mix(k.hashCode()) & mask;
        while (slots[i] != null) {
          i = (i + 1) & mask;
        }
        slots[i] = k;
        ids[i] = oldIds[j];
      }
    }
  }

  /** Spreads the bits of hash codes such as Long's, whose low bits follow the (often sequential) ids. */
  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
