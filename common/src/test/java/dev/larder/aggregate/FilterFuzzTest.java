package dev.larder.aggregate;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import dev.larder.core.v1.ValueType;

/**
 * Coverage-guided fuzzing of the filter-predicate parser ({@code filter: "event_type = 'view'"} in definitions):
 * it must parse or throw {@link FilterSyntaxException}, and a parsed filter must evaluate rows of its schema
 * (including nulls) without throwing. Replays {@code FilterFuzzTestInputs/} without {@code JAZZER_FUZZ=1}.
 */
class FilterFuzzTest {
  static final RowSchema SCHEMA = new RowSchema(List.of(new Column("user_id", ValueType.INT64),
      new Column("event_type", ValueType.STRING), new Column("price", ValueType.DOUBLE),
      new Column("qty", ValueType.INT32), new Column("ok", ValueType.BOOL), new Column("ts", ValueType.TIMESTAMP)));

  @FuzzTest(maxDuration = "2m")
  void parseAndEvaluate(byte[] data) {
    Filter f;
    try {
      f = Filter.parse(new String(data, StandardCharsets.UTF_8), SCHEMA);
    } catch (FilterSyntaxException expected) {
      return;
    }
    f.test(new Object[] {42L, "view", 9.5, 3, true, 1_700_000_000_000_000L});
    f.test(new Object[] {null, null, null, null, null, null});
    f.test(new Object[] {Long.MIN_VALUE, "", Double.NaN, Integer.MAX_VALUE, false, 0L});
  }
}
