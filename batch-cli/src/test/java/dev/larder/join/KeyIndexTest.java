package dev.larder.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.ValueType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The integer-key shortcut of the key table must agree with the byte encoding it skips, and sealing (shrinking the
 * table and adding the filter) must lose no key and keep every id.
 */
class KeyIndexTest {
  @Test
  void longKeysHashAndMatchLikeTheirEightByteEncoding() {
    KeyEncoder encoder = new KeyEncoder(new int[] {0}, List.of(ValueType.INT64));
    Random rnd = new Random(3);
    KeyIndex index = new KeyIndex(2000);
    for (int i = 0; i < 1000; i++) {
      long key = i % 3 == 0 ? rnd.nextLong() : rnd.nextInt(500) - 250;
      int length = encoder.encodeInPlace(new Object[] {key});
      int hash = KeyEncoder.hash(encoder.buffer(), length);
      assertThat(KeyEncoder.hash(key)).isEqualTo(hash);
      int id = i % 2 == 0 ? index.addLong(key) : index.add(encoder.buffer(), length, hash);
      assertThat(index.find(encoder.buffer(), length, hash)).isEqualTo(id);
      assertThat(index.findLong(key, hash)).isEqualTo(id);
    }
    assertThat(index.findLong(Long.MIN_VALUE + 1, KeyEncoder.hash(Long.MIN_VALUE + 1))).isEqualTo(-1);
  }

  @Test
  void sealingKeepsEveryKeyAndIdAndStillFindsNoAbsentKey() {
    for (int keys : new int[] {0, 1, 7, 100, 5_000, 60_000}) {
      KeyIndex index = new KeyIndex(4 * keys + 10); // sized for rows, as the join does: sealing shrinks it
      KeyEncoder encoder = new KeyEncoder(new int[] {0}, List.of(ValueType.STRING));
      Random rnd = new Random(keys);
      Map<Long, Integer> longIds = new HashMap<>();
      Map<String, Integer> stringIds = new HashMap<>();
      for (int i = 0; i < keys; i++) {
        if (i % 2 == 0) {
          long key = rnd.nextLong();
          longIds.put(key, index.addLong(key));
        } else {
          String key = "user-" + rnd.nextInt(1 << 30);
          int length = encoder.encodeInPlace(new Object[] {key});
          stringIds.putIfAbsent(key, index.add(encoder.buffer(), length, KeyEncoder.hash(encoder.buffer(), length)));
        }
      }
      index.seal();
      assertThat(index.size()).isEqualTo(longIds.size() + stringIds.size());
      Set<Integer> ids = new HashSet<>();
      longIds.forEach((key, id) -> {
        assertThat(index.findLong(key, KeyEncoder.hash(key))).isEqualTo(id);
        ids.add(id);
      });
      stringIds.forEach((key, id) -> {
        int length = encoder.encodeInPlace(new Object[] {key});
        assertThat(index.find(encoder.buffer(), length, KeyEncoder.hash(encoder.buffer(), length))).isEqualTo(id);
        ids.add(id);
      });
      assertThat(ids).hasSize(index.size());
      for (int i = 0; i < 20_000; i++) {
        long absent = rnd.nextLong();
        if (!longIds.containsKey(absent)) {
          assertThat(index.findLong(absent, KeyEncoder.hash(absent))).isEqualTo(-1);
        }
      }
      assertThatThrownBy(() -> index.addLong(1)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void denseIntegerKeysSealIntoATableIndexedByKeyWithTheSameIds() {
    KeyEncoder encoder = new KeyEncoder(new int[] {0}, List.of(ValueType.INT64));
    for (long base : new long[] {0, -1_000, 1L << 40, Long.MAX_VALUE - 4_000, Long.MIN_VALUE}) {
      for (int spread : new int[] {1, 4, 5}) { // keys over [base, base + spread * n): direct up to 4 per key
        Random rnd = new Random(spread);
        int n = 1_000;
        KeyIndex index = new KeyIndex(2 * n);
        Map<Long, Integer> ids = new HashMap<>();
        long first = base;
        long last = base + (long) spread * n - 1;
        // the same keys in an index by key from the start, when the range is known first: the same ids
        KeyIndex byRange = KeyIndex.indexesByKey(first, last, 2 * n) ? new KeyIndex(first, last) : null;
        assertThat(byRange != null).isEqualTo(spread <= 8);
        for (long key : new long[] {first, last}) {
          ids.put(key, index.addLong(key));
          if (byRange != null) {
            assertThat(byRange.addLong(key)).isEqualTo(ids.get(key));
          }
        }
        while (ids.size() < n) {
          long key = base + rnd.nextInt(spread * n);
          int id = index.addLong(key);
          assertThat(ids.computeIfAbsent(key, k -> id)).isEqualTo(id);
          if (byRange != null) {
            assertThat(byRange.addLong(key)).isEqualTo(id);
          }
        }
        if (byRange != null) {
          assertThatThrownBy(() -> byRange.addLong(first - 1)).isInstanceOf(IllegalArgumentException.class);
          assertThatThrownBy(() -> byRange.add(new byte[8], 8, 0)).isInstanceOf(IllegalStateException.class);
          byRange.seal();
          ids.forEach((key, id) -> assertThat(byRange.findLong(key, KeyEncoder.hash(key))).isEqualTo(id));
          assertThat(byRange.findLong(last + 1, KeyEncoder.hash(last + 1))).isEqualTo(-1);
          assertThat(byRange.findLong(first - 1, KeyEncoder.hash(first - 1))).isEqualTo(-1);
          assertThat(byRange.findLong(Long.MIN_VALUE + 5, 0)).isEqualTo(ids.getOrDefault(Long.MIN_VALUE + 5, -1));
          assertThat(byRange.findLong(Long.MAX_VALUE - 5, 0)).isEqualTo(ids.getOrDefault(Long.MAX_VALUE - 5, -1));
          assertThat(byRange.size()).isEqualTo(n);
        }
        index.seal();
        assertThat(index.isDirect()).as("base %d spread %d", base, spread).isEqualTo(spread <= 4);
        ids.forEach((key, id) -> {
          assertThat(index.findLong(key, KeyEncoder.hash(key))).isEqualTo(id);
          int length = encoder.encodeInPlace(new Object[] {key});
          assertThat(index.find(encoder.buffer(), length, KeyEncoder.hash(encoder.buffer(), length))).isEqualTo(id);
        });
        for (long d = -3; d <= (long) spread * n + 3; d++) {
          long key = base + d;
          if (!ids.containsKey(key)) {
            assertThat(index.findLong(key, KeyEncoder.hash(key))).as("absent %d", key).isEqualTo(-1);
          }
        }
        // far away, where key minus the smallest key overflows
        for (long far : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 7, Long.MAX_VALUE, Long.MAX_VALUE - 7, 0, -1,
            base + (1L << 40), base - (1L << 40), base + Integer.MAX_VALUE, base - Integer.MAX_VALUE}) {
          if (!ids.containsKey(far)) {
            assertThat(index.findLong(far, KeyEncoder.hash(far))).as("far %d", far).isEqualTo(-1);
          }
        }
        assertThat(index.find(new byte[] {1, 2, 3}, 3, KeyEncoder.hash(new byte[] {1, 2, 3}))).isEqualTo(-1);
        assertThatThrownBy(() -> index.addLong(base)).isInstanceOf(IllegalStateException.class);
      }
    }
  }
}
