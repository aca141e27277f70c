package dev.larder.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A block's time order: ascending times, equal times in row order, whatever the times' range or order. */
class EntityChunkTest {
  @Test
  void sortByTimeIsAStableSortForAnyRange() {
    Random rnd = new Random(9);
    for (long range : new long[] {1, 10, 1L << 20, 1L << 40, Long.MAX_VALUE}) {
      long[] times = new long[5_000];
      for (int i = 0; i < times.length; i++) {
        times[i] = Long.MIN_VALUE / 2 + Math.floorMod(rnd.nextLong(), range);
      }
      assertThat(EntityChunk.sortByTime(times)).containsExactly(stableOrder(times));
    }
  }

  @Test
  void alreadySortedTimesKeepTheirOrder() {
    long[] times = {1, 1, 2, 5, 5, 5, 9};
    assertThat(EntityChunk.sortByTime(times)).containsExactly(0, 1, 2, 3, 4, 5, 6);
    long[] almost = {1, 1, 2, 5, 4, 5, 9};
    assertThat(EntityChunk.sortByTime(almost)).containsExactly(0, 1, 2, 4, 3, 5, 6);
    assertThat(EntityChunk.sortByTime(new long[0])).isEmpty();
  }

  private static int[] stableOrder(long[] times) {
    return IntStream.range(0, times.length).boxed()
        .sorted(Comparator.comparingLong((Integer i) -> times[i]).thenComparing(i -> i))
        .mapToInt(Integer::intValue).toArray();
  }
}
