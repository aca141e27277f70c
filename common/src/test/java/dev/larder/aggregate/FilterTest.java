package dev.larder.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterTest {
  static final RowSchema SCHEMA = new RowSchema(List.of(
      new Column("event_type", ValueType.STRING),
      new Column("amount", ValueType.DOUBLE),
      new Column("qty", ValueType.INT32),
      new Column("flag", ValueType.BOOL),
      new Column("event_timestamp", ValueType.TIMESTAMP),
      new Column("payload", ValueType.BYTES),
      new Column("odd name", ValueType.INT64)));

  static Object[] row(String type, Double amount, Integer qty, Boolean flag, Long ts) {
    return new Object[] {type, amount, qty, flag, ts, null, 7L};
  }

  static boolean test(String filter, Object[] row) {
    return Filter.parse(filter, SCHEMA).test(row);
  }

  @Test
  void comparesNumbersStringsBooleansAndTimes() {
    Object[] r = row("purchase", 12.5, 3, true, 1_767_225_600_000_000L);
    assertThat(test("event_type = 'purchase' AND amount > 0", r)).isTrue();
    assertThat(test("amount >= 12.5 and amount <= 12.5 and amount != 1", r)).isTrue();
    assertThat(test("qty < 3", r)).isFalse();
    assertThat(test("qty <> 3", r)).isFalse();
    assertThat(test("qty = 3.0", r)).isTrue();
    assertThat(test("flag", r)).isTrue();
    assertThat(test("flag = false", r)).isFalse();
    assertThat(test("event_timestamp >= '2026-01-01' AND event_timestamp < '2026-01-01T00:00:01Z'", r)).isTrue();
    assertThat(test("\"odd name\" = 7", r)).isTrue();
    assertThat(test("amount > -1e3", r)).isTrue();
  }

  @Test
  void inListsAndPrecedence() {
    Object[] r = row("view", 1.0, 1, false, 0L);
    assertThat(test("event_type IN ('view', 'click')", r)).isTrue();
    assertThat(test("event_type NOT IN ('view')", r)).isFalse();
    // AND binds tighter than OR
    assertThat(test("event_type = 'x' AND qty = 2 OR amount = 1", r)).isTrue();
    assertThat(test("event_type = 'x' AND (qty = 2 OR amount = 1)", r)).isFalse();
    assertThat(test("NOT event_type = 'x'", r)).isTrue();
    assertThat(test("NOT (event_type = 'view' OR flag)", r)).isFalse();
  }

  @Test
  void stringEscapes() {
    assertThat(test("event_type = 'it''s'", row("it's", null, null, null, null))).isTrue();
    assertThat(test("event_type = ''", row("", null, null, null, null))).isTrue();
  }

  @Test
  void nullsFollowThreeValuedLogic() {
    Object[] r = row(null, null, 2, null, null);
    assertThat(test("event_type = 'a'", r)).isFalse();
    assertThat(test("NOT (event_type = 'a')", r)).isFalse();
    assertThat(test("event_type != 'a'", r)).isFalse();
    assertThat(test("event_type IN ('a')", r)).isFalse();
    assertThat(test("event_type NOT IN ('a')", r)).isFalse();
    assertThat(test("flag", r)).isFalse();
    assertThat(test("NOT flag", r)).isFalse();
    assertThat(test("event_type IS NULL", r)).isTrue();
    assertThat(test("event_type IS NOT NULL", r)).isFalse();
    // unknown OR true is true; unknown AND false is false, so NOT of it is true
    assertThat(test("amount > 1 OR qty = 2", r)).isTrue();
    assertThat(test("NOT (amount > 1 AND qty = 3)", r)).isTrue();
    assertThat(test("NOT (amount > 1 AND qty = 2)", r)).isFalse();
  }

  @Test
  void reportsColumnsRead() {
    assertThat(Filter.parse("qty > 1 OR event_type = 'a' AND qty < 9", SCHEMA).columns())
        .containsExactly("qty", "event_type");
    assertThat(Filter.parse("  ", SCHEMA)).isSameAs(Filter.ALL);
    assertThat(Filter.ALL.test(new Object[0])).isTrue();
  }

  @Test
  void syntaxErrorsSayWhatWasExpectedAndWhere() {
    assertError("event_type = 'a' AND", "expected a column, a literal, NOT or '(' but found end of filter", 20);
    assertError("(qty > 1", "expected ')' but found end of filter", 8);
    assertError("qty > 1 qty", "expected AND, OR or end of filter but found 'qty'", 8);
    assertError("event_type = 'abc", "unterminated string", 13);
    assertError("qty ! 3", "expected '=' after '!'", 4);
    assertError("qty 3", "expected a comparison", 4);
    assertError("event_type IN 'a'", "expected '(' after IN", 14);
    assertError("event_type IN ('a' 'b')", "expected ',' or ')' to close the IN list", 19);
    assertError("qty IS 3", "expected NULL or NOT NULL after IS", 7);
    assertError("qty = NULL", "use IS NULL", 6);
    assertError("qty = 3 # 4", "unexpected character '#'", 8);
  }

  @Test
  void unknownColumnsAndTypeMismatchesAreErrors() {
    assertError("amount > 0 AND colour = 'red'", "unknown column 'colour'", 15);
    assertError("event_type = 3", "cannot compare column 'event_type' (string) with 3", 11);
    assertError("qty > 'many'", "cannot compare column 'qty' (int32) with 'many'", 4);
    assertError("event_timestamp > 5", "write times as quoted ISO-8601 text", 16);
    assertError("event_timestamp > 'yesterday'", "'yesterday' is not a time", 18);
    assertError("flag < true", "booleans can only be compared with = or !=", 5);
    assertError("payload = 'x'", "column 'payload' (bytes) cannot be compared", 0);
    assertError("qty IN ('a')", "cannot compare column 'qty' (int32) with 'a'", 8);
    assertError("qty", "expected a comparison", 3);
  }

  static void assertError(String filter, String message, int offset) {
    assertThatThrownBy(() -> Filter.parse(filter, SCHEMA))
        .isInstanceOfSatisfying(FilterSyntaxException.class, e -> {
          assertThat(e.reason()).contains(message);
          assertThat(e.offset()).as("offset of: " + e.getMessage()).isEqualTo(offset);
          assertThat(e.getMessage()).contains("at character " + (offset + 1));
        });
  }
}
