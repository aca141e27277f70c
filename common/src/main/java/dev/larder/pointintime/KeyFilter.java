package dev.larder.pointintime;

/**
 * A small Bloom filter over the key hashes of the entity rows, so that history rows of entities nobody asked
 * for are dropped while reading instead of being sorted and spilled. False positives only cost work.
 */
final class KeyFilter {
  private static final int BITS = 1 << 25; // 4 MB; about 1% false positives for 3M distinct keys

  private final long[] words = new long[BITS / 64];

  void add(int hash) {
    set(hash);
    set(second(hash));
  }

  boolean mightContain(int hash) {
    return get(hash) && get(second(hash));
  }

  private static int second(int hash) {
    return Integer.rotateLeft(hash, 13) * 0x85ebca6b;
  }

  private void set(int bit) {
    int b = bit & (BITS - 1);
    words[b >>> 6] |= 1L << b;
  }

  private boolean get(int bit) {
    int b = bit & (BITS - 1);
    return (words[b >>> 6] & (1L << b)) != 0;
  }
}
