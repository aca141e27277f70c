package dev.larder.join;

import java.util.Arrays;

/**
 * The distinct encoded join keys of a block of entity rows, each with a dense id, so that a history row finds the
 * entity rows of its key with one probe and no allocation: open addressing with linear probing over pairs of
 * longs, the key's first 8 bytes and (hash, length, id). Keys of up to 8 bytes (integer ids) are compared within
 * the pair; longer keys are then compared with their bytes, which sit one after the other in a single array.
 *
 * <p>Most history rows probe for keys that are absent, and a table of a few hundred thousand keys is tens of
 * megabytes: each probe was a cache and TLB miss, half the time of a large training set. So once all keys are in,
 * {@link #seal} shrinks the table to its keys and adds a filter of about a byte per key (two bits of one word per
 * key, as a blocked Bloom filter), small enough to stay in the cache, that turns most absent keys away before
 * the table is read.
 *
 * <p>Integer keys that are dense, as ids handed out in sequence usually are, get a table without hashing instead:
 * an array indexed by key minus the smallest key (DuckDB's "perfect hash join"), either from the start when the
 * caller knows the keys' range ({@link #KeyIndex(long, long)}) or when sealed. Adding or finding a key is then one
 * access to an array several times smaller than the slots, and needs no filter: the slots, sized for a block's
 * rows, were tens of megabytes, and filling them a cache miss per row.
 */
final class KeyIndex {
  /** Most keys; ids fit in 26 bits of a slot. */
  static final int MAX_KEYS = (1 << 26) - 2;
  private static final int ID_BITS = 26;
  private static final long ID_MASK = (1L << ID_BITS) - 1;
  private static final int LONG_KEY = 63;

  /** Per slot: key prefix, then hash (32 bits), min(length, 63) (6 bits), id + 1 (26 bits); 0 when empty. */
  private long[] slots;
  private int mask;
  /** Once sealed: two bits per key, picked by its hash (see {@link #mayContain}); null before. */
  private long[] filter;
  private int filterWordBits;
  private int[] offsets = new int[1025];
  private byte[] bytes = new byte[8 * 1024];
  private int size;
  /** Whether every key was added as an integer, and the smallest and largest so far. */
  private boolean onlyLongs = true;
  private long minKey = Long.MAX_VALUE;
  private long maxKey = Long.MIN_VALUE;
  /** If the keys are dense integers: id + 1 at index key - {@link #minKey}, 0 if absent; else null. */
  private int[] direct;
  private boolean sealed;

  /** An index for at most {@code maxKeys} distinct keys. */
  KeyIndex(int maxKeys) {
    if (maxKeys > MAX_KEYS) {
      throw new IllegalArgumentException(maxKeys + " keys; at most " + MAX_KEYS);
    }
    int capacity = capacity(maxKeys);
    this.slots = new long[2 * capacity];
    this.mask = capacity - 1;
  }

  /**
   * An index of integer keys in {@code [min, max]} (see {@link #indexesByKey}), which only {@link #addLong} may add
   * to.
   */
  KeyIndex(long min, long max) {
    this.direct = directTable(min, max);
    this.minKey = min;
    this.maxKey = max;
  }

  /** An empty table indexed by key for keys in {@code [min, max]}, and one entry more for keys outside it. */
  private static int[] directTable(long min, long max) {
    return new int[(int) (max - min + 2)];
  }

  /**
   * Whether integer keys in {@code [min, max]}, for {@code rows} rows, get a table indexed by key: when it
   * takes at most 4 entries per row, so at most the memory the slots would ({@link #bytesPerKey}).
   */
  static boolean indexesByKey(long min, long max, int rows) {
    long range = max - min; // negative if it overflows
    return rows > 0 && range >= 0 && range < 4L * rows && range < Integer.MAX_VALUE - 8;
  }

  /** Slots for {@code keys} keys: a power of two, at most half full. */
  private static int capacity(int keys) {
    return Integer.highestOneBit(Math.max(16, keys) * 2 - 1) << 1;
  }

  /** Heap bytes per key of {@code keyBytes} bytes, roughly (slots at half load, offsets, key bytes, filter). */
  static long bytesPerKey(int keyBytes) {
    return 2 * 16 + 4 + keyBytes + 2;
  }

  /**
   * Ends adding keys: shrinks the table to the keys added (it was sized for the most there could be) and builds
   * the filter that finds consult first. Ids stay as they were.
   */
  void seal() {
    if (sealed) {
      return;
    }
    sealed = true;
    if (direct != null) {
      return;
    }
    if (dense()) {
      direct = directTable(minKey, maxKey);
      for (int s = 1; s < slots.length; s += 2) {
        if (slots[s] != 0) {
          direct[(int) (slots[s - 1] - minKey)] = (int) (slots[s] & ID_MASK);
        }
      }
      slots = null;
      return;
    }
    int capacity = capacity(size);
    if (capacity < mask + 1) {
      long[] old = slots;
      slots = new long[2 * capacity];
      mask = capacity - 1;
      for (int s = 0; s < old.length; s += 2) {
        long word = old[s + 1];
        if (word != 0) {
          int slot = (int) (word >>> 32) & mask; // the hash is the word's top half
          while (slots[2 * slot + 1] != 0) {
            slot = (slot + 1) & mask;
          }
          slots[2 * slot] = old[s];
          slots[2 * slot + 1] = word;
        }
      }
    }
    int words = Integer.highestOneBit(Math.max(1, size / 8) * 2 - 1); // 8 to 16 bits per key
    filterWordBits = Integer.numberOfTrailingZeros(words);
    filter = new long[words];
    for (int s = 1; s < slots.length; s += 2) {
      if (slots[s] != 0) {
        long h = filterHash((int) (slots[s] >>> 32));
        filter[filterWord(h)] |= filterBits(h);
      }
    }
  }

  /** Whether the keys are integers whose range is at most four times their number (see the class comment). */
  private boolean dense() {
    return onlyLongs && indexesByKey(minKey, maxKey, size);
  }

  /** Whether the index was sealed into a table indexed by key (see the class comment). */
  boolean isDirect() {
    return direct != null;
  }

  /** Whether a key of this hash may be in the sealed table: false means it is certainly absent. */
  private boolean mayContain(int hash) {
    long h = filterHash(hash);
    long bits = filterBits(h);
    return (filter[filterWord(h)] & bits) == bits;
  }

  /** The table's hash spread over 64 bits: its top bits pick a word, two groups of its middle bits a bit each. */
  private static long filterHash(int hash) {
    return hash * 0x9E3779B97F4A7C15L;
  }

  private int filterWord(long h) {
    return (int) ((h >>> 1) >>> (63 - filterWordBits));
  }

  private static long filterBits(long h) {
    return (1L << (h >>> 20)) | (1L << (h >>> 26)); // shifts take the low 6 bits of the distance
  }

  int size() {
    return size;
  }

  /** The id of the first {@code length} bytes of {@code key}, added if new. */
  int add(byte[] key, int length, int hash) {
    requireOpen();
    if (direct != null) {
      throw new IllegalStateException("an index of integer keys by key takes only addLong");
    }
    onlyLongs = false;
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
    requireOpen();
    if (direct != null) {
      long d = key - minKey;
      if (d < 0 || d > maxKey - minKey) {
        throw new IllegalArgumentException("key " + key + " is outside the index's range " + minKey + ".." + maxKey);
      }
      if (direct[(int) d] == 0) {
        direct[(int) d] = ++size;
      }
      return direct[(int) d] - 1;
    }
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
    minKey = Math.min(minKey, key);
    maxKey = Math.max(maxKey, key);
    slots[2 * slot] = key;
    slots[2 * slot + 1] = tag | size;
    return size - 1;
  }

  /** The id of a key that is one integer, or -1 if absent; {@code hash} is {@link KeyEncoder#hash(long)}. */
  int findLong(long key, int hash) {
    if (direct != null) {
      // Without branches: a key outside the range reads the last entry, which is 0. A branch the join rarely
      // takes (a history key outside a slice's range) was compiled as a trap, and taking it threw the whole
      // compiled join loop back to the interpreter until it was compiled again, several times a run.
      long d = key - minKey; // may overflow, but then it is greater than the range (KeyIndexTest)
      long range = direct.length - 2;
      long outside = (d | (range - d)) >> 63; // -1 if d < 0 or d > range, else 0
      return direct[(int) ((d & ~outside) | ((range + 1) & outside))] - 1;
    }
    if (filter != null && !mayContain(hash)) {
      return -1;
    }
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
    if (direct != null) {
      return length == 8 ? findLong(prefix(key, 8), hash) : -1; // an integer key's encoding is its 8 bytes
    }
    if (filter != null && !mayContain(hash)) {
      return -1;
    }
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

  private void requireOpen() {
    if (sealed) {
      throw new IllegalStateException("the key index is sealed");
    }
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
