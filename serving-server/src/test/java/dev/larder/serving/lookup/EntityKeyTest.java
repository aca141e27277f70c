package dev.larder.serving.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.Field;
import dev.larder.core.v1.ValueType;
import dev.larder.online.EntityKeyCodec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EntityKeyTest {
  @Test
  void sequentialIntegerKeysDoNotShareHashCodes() {
    EntityKeyCodec codec = new EntityKeyCodec(List.of(Field.newBuilder().setName("id").setType(ValueType.INT64).build()));
    Set<Integer> hashes = new HashSet<>();
    int n = 100_000;
    for (long id = 0; id < n; id++) {
      hashes.add(new EntityKey("id:INT64", codec.encode(new Object[] {id})).hashCode());
    }
    // Arrays.hashCode gave under 10,000 distinct values here, turning cache buckets into long chains.
    assertThat(hashes.size()).isGreaterThan(n - 10);
  }

  @Test
  void equalityCoversKeySpaceAndKey() {
    byte[] key = {1, 2, 3};
    EntityKey k = new EntityKey("user_id:INT64", key);
    assertThat(k).isEqualTo(new EntityKey("user_id:INT64", key.clone()))
        .hasSameHashCodeAs(new EntityKey("user_id:INT64", key.clone()));
    assertThat(k).isNotEqualTo(new EntityKey("product_id:INT64", key))
        .isNotEqualTo(new EntityKey("user_id:INT64", new byte[] {1, 2, 4}));
  }

  @Test
  void keysOfEveryLengthCompareByAllTheirBytes() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int len = 0; len <= 40; len++) {
      byte[] key = new byte[len];
      random.nextBytes(key);
      EntityKey k = new EntityKey("k:INT64", key);
      assertThat(k).isEqualTo(new EntityKey("k:INT64", key.clone()));
      // One more trailing zero byte: the same first 16 bytes when short, but another key.
      assertThat(k).isNotEqualTo(new EntityKey("k:INT64", java.util.Arrays.copyOf(key, len + 1)));
      for (int i = 0; i < len; i++) {
        byte[] other = key.clone();
        other[i] ^= 1;
        assertThat(k).as("length %d, byte %d changed", len, i).isNotEqualTo(new EntityKey("k:INT64", other));
      }
    }
  }
}
