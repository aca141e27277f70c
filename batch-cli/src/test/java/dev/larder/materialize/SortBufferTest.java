package dev.larder.materialize;

import dev.larder.online.EntityKeyCodec;
import dev.larder.online.FeatureRowCodec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.Field;
import dev.larder.core.v1.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The custom sort against a plain model: ascending unsigned keys, the newest row per key, later input on ties. */
class SortBufferTest {
  record Input(String user, long shard, long event, long created) {}

  private static final EntityKeyCodec KEYS = new EntityKeyCodec(List.of(
      Field.newBuilder().setName("user").setType(ValueType.STRING).build(),
      Field.newBuilder().setName("shard").setType(ValueType.INT64).build()));
  private static final FeatureRowCodec ROWS = new FeatureRowCodec(List.of(ValueType.INT64));

  @Provide
  Arbitrary<List<Input>> inputs() {
    // Few distinct users with long shared prefixes force the comparison path; small ranges force ties.
    Arbitrary<String> users = Arbitraries.of("user_00000001", "user_00000002", "user_0000000", "u", "", "user_00000001x");
    return Arbitraries.longs().between(-2, 2).flatMap(shard -> users.flatMap(u ->
        Arbitraries.longs().between(0, 3).flatMap(e -> Arbitraries.longs().between(0, 2).map(c -> new Input(u, shard, e, c)))))
        .list().ofMaxSize(300);
  }

  @Property(tries = 200)
  void emitsTheNewestRowOfEveryKeyInKeyOrder(@ForAll("inputs") List<Input> inputs) throws Exception {
    SortBuffer buffer = new SortBuffer(1 << 20);
    Map<String, Long> expected = new HashMap<>();
    Map<String, Input> newest = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      Input in = inputs.get(i);
      buffer.add(KEYS, ROWS, new Object[] {in.user(), in.shard()}, in.event(), in.created(), new Object[] {(long) i});
      String k = Arrays.toString(KEYS.encode(new Object[] {in.user(), in.shard()}));
      Input old = newest.get(k);
      if (old == null || in.event() > old.event() || (in.event() == old.event() && in.created() >= old.created())) {
        newest.put(k, in);
        expected.put(k, (long) i);
      }
    }
    List<byte[]> keys = new ArrayList<>();
    try (SortedRows rows = buffer.sortedRows()) {
      while (rows.next()) {
        keys.add(rows.key());
        assertThat(ROWS.decodeJava(rows.row())[0]).isEqualTo(expected.get(Arrays.toString(rows.key())));
      }
    }
    assertThat(keys).hasSize(expected.size());
    for (int i = 1; i < keys.size(); i++) {
      assertThat(Arrays.compareUnsigned(keys.get(i - 1), keys.get(i))).isNegative();
    }
  }
}
