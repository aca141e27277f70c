package dev.larder.serving.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.ValueType;
import dev.larder.online.FeatureRowCodec;
import dev.larder.registry.Catalog;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The merge hook of the lookup path: a view without pushed rows costs no allocation (the read path is being
 * optimised; this must not undo it), and a pushed row replaces a materialized one only when strictly newer.
 */
class FreshMergeTest {
  static final Registry REGISTRY = Registry.newBuilder()
      .addEntities(Entity.newBuilder().setName("user").addJoinKeys(Field.newBuilder().setName("user_id")
          .setType(ValueType.INT64)))
      .addFeatureViews(FeatureView.newBuilder().setName("v").addEntities("user")
          .addFeatures(Feature.newBuilder().setName("x").setType(ValueType.INT64)))
      .build();
  static final ViewSpec SPEC = ViewSpec.of(Catalog.of(REGISTRY), REGISTRY.getFeatureViews(0));
  static final EntityKey[] KEYS = java.util.stream.LongStream.of(1, 2, 3)
      .mapToObj(id -> new EntityKey(SPEC.keySpace(), SPEC.keyCodec().encode(new Object[] {id})))
      .toArray(EntityKey[]::new);
  static final FeatureRowCodec ROWS = new FeatureRowCodec(List.of(ValueType.INT64));

  static CachedRow materialized(long event, long x) {
    return CachedRow.of(ROWS.decode(ROWS.encode(event, FeatureRowCodec.NO_CREATED_TIMESTAMP, new Object[] {x})));
  }

  @Test
  void aViewWithoutPushedRowsAllocatesNothing() {
    FreshRows none = (view, version) -> null;
    CachedRow[] rows = {materialized(10, 1), CachedRow.MISSING, materialized(5, 3)};
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 10_000; i++) { // warm up, so that the JIT's own work is not counted
      FreshMerge.merge(none, SPEC, KEYS, rows);
      FreshMerge.merge(null, SPEC, KEYS, rows);
    }
    int changed = 0;
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      changed += FreshMerge.merge(none, SPEC, KEYS, rows) == rows ? 0 : 1;
      changed += FreshMerge.merge(null, SPEC, KEYS, rows) == rows ? 0 : 1;
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(changed).isZero();
    // 200,000 merges: anything per merge would be megabytes; allow a little for the measurement itself.
    assertThat(allocated).isLessThan(64 * 1024);
  }

  @Test
  void aPushedRowWinsOnlyWhenStrictlyNewer() {
    byte[][] pushed = {
        ROWS.encode(20, FeatureRowCodec.NO_CREATED_TIMESTAMP, new Object[] {100L}), // newer than the run
        ROWS.encode(7, FeatureRowCodec.NO_CREATED_TIMESTAMP, new Object[] {200L}),  // no run row
        ROWS.encode(5, FeatureRowCodec.NO_CREATED_TIMESTAMP, new Object[] {300L})}; // same time as the run
    FreshRows fresh = (view, version) -> keys -> pushed;
    CachedRow[] rows = {materialized(10, 1), CachedRow.MISSING, materialized(5, 3)};
    CachedRow[] out = FreshMerge.merge(fresh, SPEC, KEYS, rows);
    assertThat(out).isNotSameAs(rows);
    assertThat(out[0].eventMicros).isEqualTo(20);
    assertThat(out[1].eventMicros).isEqualTo(7);
    assertThat(out[2]).isSameAs(rows[2]);
    assertThat(rows[0].eventMicros).as("the input rows are never changed in place").isEqualTo(10);
  }
}
