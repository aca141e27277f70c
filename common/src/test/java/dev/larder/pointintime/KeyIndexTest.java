package dev.larder.pointintime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.ValueType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The integer-key shortcut of the key table must agree with the byte encoding it skips. */
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
}
