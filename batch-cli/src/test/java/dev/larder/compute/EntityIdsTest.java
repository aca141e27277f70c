package dev.larder.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class EntityIdsTest {
  @Test
  void longKeysGetDenseIdsInOrderOfFirstAppearance() {
    check(i -> (long) i * 1_000_003L - 5_000_000L);
  }

  @Test
  void denseLongKeysToo() {
    check(i -> (long) i);
    check(i -> (long) i * 7 + 1);
  }

  /**
   * Small keys arrive before the direct table covers them (they are hashed, then moved when it widens) among
   * negative and huge keys that it never covers; each key must keep one id throughout.
   */
  @Test
  void longKeysMovingIntoTheDirectTableKeepTheirIds() {
    check(i -> switch (i % 4) {
      case 0 -> (long) i * 40;
      case 1 -> (long) -i;
      case 2 -> Long.MAX_VALUE - i;
      default -> (long) i;
    });
  }

  @Test
  void otherKeysToo() {
    check(i -> "user-" + i);
    check(i -> List.of("k", i));
    check(i -> ByteBuffer.wrap(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)}));
  }

  /** Random lookups over 20,000, then 100,000 distinct keys (several table growths) agree with a HashMap. */
  private static void check(IntFunction<Object> keyOf) {
    EntityIds ids = new EntityIds();
    Map<Object, Integer> expected = new HashMap<>();
    Random r = new Random(7);
    for (int n = 0; n < 300_000; n++) {
      Object key = keyOf.apply(r.nextInt(n < 100_000 ? 20_000 : 100_000));
      int want = expected.computeIfAbsent(key, k -> expected.size());
      assertThat(ids.idOf(key)).isEqualTo(want);
    }
    assertThat(ids.size()).isEqualTo(expected.size());
    expected.forEach((key, id) -> assertThat(ids.key(id)).isEqualTo(key));
  }
}
