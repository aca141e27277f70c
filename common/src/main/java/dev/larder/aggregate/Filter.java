package dev.larder.aggregate;

import dev.larder.value.RowSchema;
import java.util.List;

/**
 * A compiled filter predicate over source rows, e.g. {@code event_type = 'purchase' AND amount > 0}.
 * Aggregations apply it before aggregating; it is parsed and type-checked against the source's columns once,
 * at {@code apply} time for validation and again when computing.
 *
 * <p>Language: comparisons {@code = != <> < <= > >=}, {@code [NOT] IN (...)}, {@code IS [NOT] NULL},
 * {@code AND}, {@code OR}, {@code NOT}, parentheses, string literals ({@code 'it''s'}), number and boolean
 * literals, and column names (bare, or double-quoted). Keywords are case-insensitive. A string literal compared
 * to a timestamp column is read as a time ({@code event_timestamp >= '2026-01-01'}).
 *
 * <p>SQL three-valued logic: a comparison involving null is unknown, {@code NOT unknown} is unknown, and a row
 * passes only when the whole predicate is true.
 */
public final class Filter {
  /** The filter of an aggregation that has none: every row passes. */
  public static final Filter ALL = new Filter("", Condition.TRUE_CONSTANT, List.of());

  private final String text;
  private final Condition condition;
  private final List<String> columns;

  Filter(String text, Condition condition, List<String> columns) {
    this.text = text;
    this.condition = condition;
    this.columns = List.copyOf(columns);
  }

  /**
   * Parses and type-checks {@code text} against {@code columns}; blank text gives {@link #ALL}.
   *
   * @throws FilterSyntaxException saying what was expected and where, also for unknown columns and for
   *     comparisons between incompatible types
   */
  public static Filter parse(String text, RowSchema columns) {
    if (text == null || text.isBlank()) {
      return ALL;
    }
    return new FilterParser(text, columns).parse();
  }

  /** Whether the row (values by column index of the schema it was parsed against) satisfies the predicate. */
  public boolean test(Object[] row) {
    return condition.eval(row) == Condition.TRUE;
  }

  /** The source text, empty for {@link #ALL}. */
  public String text() {
    return text;
  }

  /** Names of the columns the predicate reads, in order of first use. */
  public List<String> columns() {
    return columns;
  }

  public boolean isAll() {
    return this == ALL;
  }

  @Override
  public String toString() {
    return text.isEmpty() ? "<all rows>" : text;
  }
}
