package dev.larder.registry;

import dev.larder.aggregate.Filter;
import dev.larder.aggregate.FilterSyntaxException;
import dev.larder.value.RowSchema;
import java.util.Optional;

/**
 * Checks an aggregation's filter with the filter parser of the aggregation engine (the only one), and turns
 * the character offset of a syntax error into the line and column inside the definitions file.
 */
final class FilterCheck {
  private FilterCheck() {}

  /** A problem for a filter that does not parse against {@code columns}, or empty when it does. */
  static Optional<Problem> check(String filter, RowSchema columns, Locator aggregation) {
    try {
      Filter.parse(filter, columns);
      return Optional.empty();
    } catch (FilterSyntaxException e) {
      return Optional.of(new Problem(aggregation.insideString("filter", e.offset()),
          "invalid filter \"" + shown(filter) + "\": " + e.reason()));
    } catch (IllegalArgumentException e) {
      return Optional.of(new Problem(aggregation.field("filter"), "invalid filter \"" + shown(filter) + "\": "
          + e.getMessage()));
    }
  }

  /** The filter as quoted in a message: long ones (generated, or hostile) are cut; the location points in. */
  private static String shown(String filter) {
    return filter.length() <= 200 ? filter : filter.substring(0, 100) + "...(" + (filter.length() - 100)
        + " more characters)";
  }
}
