package dev.larder.pointintime;

import java.util.Arrays;

/**
 * The distinct encoded join keys of a block of entity rows, each with a dense id, so that a history row finds the
 * entity rows of its key with one probe and no allocation. Most history rows probe for keys that are absent, so
 * a probe should cost one cache miss: open addressing with linear probing over pairs of longs, the key's first
 * 8 bytes and (hash, length, id). Keys of up to 8 bytes (integer ids) are compared within the pair; longer keys
 * are then compared with their bytes, which sit one after the other in a single array.
 */
final class KeyIndex {
  /** Most keys; ids fit in 26 bits of a slot. */
  static final int MAX_KEYS = (1 << 26) - 2;
  private static final int ID_BITS = 26;
  private static final long ID_MASK = (1L << ID_BITS) - 1;
  private static final int LONG_KEY = 63;

  /** Per slot: key prefix, then hash (32 bits), min(length, 63) (6 bits), id + 1 (26 bits); 0 when empty. */
  private final long[] slots;
  private final int mask;
  private int[] offsets = new int[1025];
  private byte[] bytes = new byte[8 * 1024];
  private int size;

  /** An index for at most {@code maxKeys} distinct keys. */
  KeyIndex(int maxKeys) {
    if (maxKeys > MAX_KEYS) {
      throw new IllegalArgumentException(maxKeys + " keys; at most " + MAX_KEYS);
    }
    int capacity = Integer.highestOneBit(Math.max(16, maxKeys) * 2 - 1) << 1;
    this.slots = new long[2 * capacity];
    this.mask = capacity - 1;
  }

  /** Heap bytes per key of {@code keyBytes} bytes, roughly (slots at half load, offsets, key bytes). */
  static long bytesPerKey(int keyBytes) {
    return 2 * 16 + 4 + keyBytes;
  }

  int size() {
    return size;
  }

  /** The id of the first {@code length} bytes of {@code key}, added if new. */
  int add(byte[] key, int length, int hash) {
    long prefix = prefix(key, length);
    long tag = tag(hash, length);
    int slot = slotOf(key, length, hash, prefix, tag);
    long word = slots[2 * slot + 1];
    if (word != 0) {
      return (int) (word & ID_MASK) - 1;
    }
    if (size + 2 > offsets.length) {
      offsets = Arrays.copyOf(offsets, offsets.length * 2);
    }
    int start = offsets[size];
    if (length > 8) {
      if (start + length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, start + length));
      }
      System.arraycopy(key, 0, bytes, start, length);
      start += length;
    }
    offsets[size + 1] = start;
    size++;
    slots[2 * slot] = prefix;
    slots[2 * slot + 1] = tag | size;
    return size - 1;
  }

  /**
   * The id of a key that is one integer, added if new: the same id as {@link #add} gives its 8-byte encoding
   * (see {@link KeyEncoder#hash(long)}), without the bytes.
   */
  int addLong(long key) {
    int hash = KeyEncoder.hash(key);
    long tag = tag(hash, 8);
    int slot = slotOfLong(key, tag, hash);
    long word = slots[2 * slot + 1];
    if (word != 0) {
      return (int) (word & ID_MASK) - 1;
    }
    if (size + 2 > offsets.length) {
      offsets = Arrays.copyOf(offsets, offsets.length * 2);
    }
    offsets[size + 1] = offsets[size];
    size++;
    slots[2 * slot] = key;
    slots[2 * slot + 1] = tag | size;
    return size - 1;
  }

  /** The id of a key that is one integer, or -1 if absent; {@code hash} is {@link KeyEncoder#hash(long)}. */
  int findLong(long key, int hash) {
    long word = slots[2 * slotOfLong(key, tag(hash, 8), hash) + 1];
    return word == 0 ? -1 : (int) (word & ID_MASK) - 1;
  }

  private int slotOfLong(long key, long tag, int hash) {
    int slot = hash & mask;
    for (long word = slots[2 * slot + 1]; word != 0; word = slots[2 * slot + 1]) {
      if ((word & ~ID_MASK) == tag && slots[2 * slot] == key) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** The id of the first {@code length} bytes of {@code key}, or -1 if absent. */
  int find(byte[] key, int length, int hash) {
    long word = slots[2 * slotOf(key, length, hash, prefix(key, length), tag(hash, length)) + 1];
    return word == 0 ? -1 : (int) (word & ID_MASK) - 1;
  }

  /** The slot holding the key, or the empty slot where it would go (linear probing). */
  private int slotOf(byte[] key, int length, int hash, long prefix, long tag) {
    int slot = hash & mask;
    for (long word = slots[2 * slot + 1]; word != 0; word = slots[2 * slot + 1]) {
      if (matches(slot, word, prefix, tag, key, length)) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private boolean matches(int slot, long word, long prefix, long tag, byte[] key, int length) {
    if ((word & ~ID_MASK) != tag || slots[2 * slot] != prefix) {
      return false;
    }
    if (length <= 8) {
      return true;
    }
    int id = (int) (word & ID_MASK) - 1;
    int from = offsets[id];
    return offsets[id + 1] - from == length && Arrays.equals(bytes, from, from + length, key, 0, length);
  }

  private static long tag(int hash, int length) {
    return ((long) hash << 32) | ((long) Math.min(length, LONG_KEY) << ID_BITS);
  }

  /** The first 8 bytes of the key, big-endian, zero-padded. */
  private static long prefix(byte[] key, int length) {
    long p = 0;
    for (int i = 0; i < 8; i++) {
      p = (p << 8) | (i < length ? key[i] & 0xFF : 0);
    }
    return p;
  }
}
