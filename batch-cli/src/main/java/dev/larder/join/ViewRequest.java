package dev.larder.join;

import dev.larder.pointintime.PointInTimeRule;
import dev.larder.value.Column;
import java.util.List;

/**
 * One feature view in a point-in-time join: how to find its join key in the entity rows and in its history, which
 * features to take, what to call them in the output, and the rule that picks a history row.
 *
 * <p>The history rows are those of {@code dev.larder.offline.ViewHistory}: the join keys, {@code event_timestamp},
 * {@code created_timestamp} (may be null) and the features, found by name.
 *
 * @param name the view's name, for messages and summaries
 * @param joinKeys the view's join keys with their declared types; the same names in entity and history rows
 * @param features the names of the requested features in the history rows
 * @param outputColumns the output column of each requested feature, in the same order
 * @param rule TTL and created-before-row settings
 * @param history the view's history rows
 */
public record ViewRequest(String name, List<Column> joinKeys, List<String> features, List<Column> outputColumns,
                          PointInTimeRule rule, HistorySource history) {
  public static final String EVENT_TIMESTAMP = "event_timestamp";
  public static final String CREATED_TIMESTAMP = "created_timestamp";

  public ViewRequest {
    joinKeys = List.copyOf(joinKeys);
    features = List.copyOf(features);
    outputColumns = List.copyOf(outputColumns);
    if (joinKeys.isEmpty()) {
      throw new IllegalArgumentException("feature view '" + name + "' has no join keys");
    }
    if (features.size() != outputColumns.size()) {
      throw new IllegalArgumentException(features.size() + " features but " + outputColumns.size() + " output columns");
    }
  }
}
