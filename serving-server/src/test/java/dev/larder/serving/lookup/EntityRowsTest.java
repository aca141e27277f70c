package dev.larder.serving.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.ValueType;
import dev.larder.online.FeatureRowCodec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The per-entity cache: a row is a hit only for its own view, version and run and within the expiry; rows of
 * other views of the same entity live beside it; invalidation drops exactly the named views; the bound counts
 * rows, not entities.
 */
class EntityRowsTest {
  private static final FeatureRowCodec CODEC = new FeatureRowCodec(List.of(ValueType.INT64));

  private static CachedRow row(long value) {
    return CachedRow.decode(CODEC, CODEC.encode(1_000_000L, FeatureRowCodec.NO_CREATED_TIMESTAMP, new Object[] {value}));
  }

  @Test
  void aRowIsAHitOnlyForItsViewVersionAndRun() {
    RowCache cache = new RowCache(100, Duration.ofMinutes(1));
    EntityKey key = new EntityKey("user_id:INT64", new byte[] {1});
    CachedRow a = row(1);
    CachedRow b = row(2);
    cache.put(key, "activity", 1, 10, a);
    cache.put(key, "profile", 3, 20, b);
    long now = System.nanoTime();
    EntityRows rows = cache.entity(key);
    assertThat(cache.row(rows, "activity", 1, 10, now)).isSameAs(a);
    assertThat(cache.row(rows, "profile", 3, 20, now)).isSameAs(b);
    assertThat(cache.row(rows, "activity", 1, 11, now)).as("another run").isNull();
    assertThat(cache.row(rows, "activity", 2, 10, now)).as("another version").isNull();
    assertThat(cache.row(rows, "other", 1, 10, now)).as("another view").isNull();
    assertThat(cache.entity(new EntityKey("product_id:INT64", new byte[] {1}))).as("another key space").isNull();
    assertThat(cache.stats().hitCount()).isEqualTo(2);
    assertThat(cache.stats().missCount()).isEqualTo(3);
    assertThat(cache.size()).isEqualTo(2);

    CachedRow newer = row(3);
    cache.put(key, "activity", 1, 11, newer);
    rows = cache.entity(key);
    assertThat(cache.row(rows, "activity", 1, 11, System.nanoTime())).isSameAs(newer);
    assertThat(cache.row(rows, "activity", 1, 10, System.nanoTime())).as("the older run's row is replaced").isNull();
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void rowsExpireOneByOne() throws Exception {
    RowCache cache = new RowCache(100, Duration.ofMillis(300));
    EntityKey key = new EntityKey("user_id:INT64", new byte[] {1});
    cache.put(key, "activity", 1, 10, row(1));
    Thread.sleep(200);
    cache.put(key, "profile", 1, 10, row(2)); // rewrites the entity's entry, which must not renew the first row
    long later = System.nanoTime() + Duration.ofMillis(150).toNanos();
    EntityRows rows = cache.entity(key);
    assertThat(cache.row(rows, "activity", 1, 10, later)).isNull();
    assertThat(cache.row(rows, "profile", 1, 10, later)).isNotNull();
  }

  @Test
  void invalidationDropsOnlyTheNamedViews() {
    RowCache cache = new RowCache(100, Duration.ofMinutes(1));
    EntityKey one = new EntityKey("user_id:INT64", new byte[] {1});
    EntityKey two = new EntityKey("user_id:INT64", new byte[] {2});
    cache.put(one, "activity", 1, 10, row(1));
    cache.put(one, "profile", 1, 10, row(2));
    cache.put(two, "activity", 1, 10, row(3));
    cache.invalidateViews(Set.of("activity"));
    long now = System.nanoTime();
    assertThat(cache.row(cache.entity(one), "activity", 1, 10, now)).isNull();
    assertThat(cache.row(cache.entity(one), "profile", 1, 10, now)).isNotNull();
    assertThat(cache.entity(two)).as("an entity with no rows left is removed").isNull();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void theBoundCountsRows() {
    RowCache cache = new RowCache(10, Duration.ofMinutes(1));
    for (int e = 0; e < 20; e++) {
      EntityKey key = new EntityKey("user_id:INT64", new byte[] {(byte) e});
      for (String view : List.of("a", "b", "c", "d", "e")) {
        cache.put(key, view, 1, 1, row(e));
      }
    }
    assertThat(cache.size()).isLessThanOrEqualTo(10);
  }
}
