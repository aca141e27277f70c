package dev.larder.pointintime;

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
}
