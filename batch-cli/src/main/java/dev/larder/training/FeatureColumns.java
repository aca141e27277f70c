package dev.larder.training;

import dev.larder.core.v1.FeatureView;
import dev.larder.registry.Catalog.FeatureRef;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names the output columns of a training set: {@code feature}, or {@code view__feature} with
 * {@code --full-feature-names}, grouped by view in the order views are first requested. Two columns with one
 * name would make the file ambiguous, so a clash is an error that says how to avoid it.
 */
final class FeatureColumns {
  static final String SEPARATOR = "__";

  private FeatureColumns() {}

  /** The requested features of one view, with their output columns. */
  record ViewFeatures(FeatureView view, List<FeatureRef> refs, List<Column> columns) {
    List<String> featureNames() {
      return refs.stream().map(FeatureRef::name).toList();
    }
  }

  /**
   * Groups {@code refs} by view and names their columns.
   *
   * @throws IllegalArgumentException when two output columns, or an output column and an entity column, share
   *     a name
   */
  static List<ViewFeatures> of(List<FeatureRef> refs, boolean fullNames, RowSchema entities) {
    Map<String, List<FeatureRef>> byView = new LinkedHashMap<>();
    for (FeatureRef r : refs) {
      byView.computeIfAbsent(r.viewName(), v -> new ArrayList<>()).add(r);
    }
    Map<String, String> owner = new HashMap<>();
    List<ViewFeatures> out = new ArrayList<>();
    for (List<FeatureRef> group : byView.values()) {
      List<Column> cols = new ArrayList<>();
      for (FeatureRef r : group) {
        String name = fullNames ? r.viewName() + SEPARATOR + r.name() : r.name();
        String hint = fullNames ? "" : "; pass --full-feature-names to name columns view" + SEPARATOR + "feature";
        if (entities.has(name)) {
          throw new IllegalArgumentException("output column '" + name + "' of " + r.qualifiedName()
              + " clashes with a column of the entity rows" + hint);
        }
        String previous = owner.putIfAbsent(name, r.qualifiedName());
        if (previous != null) {
          throw new IllegalArgumentException("features " + previous + " and " + r.qualifiedName()
              + " would both be output column '" + name + "'" + hint);
        }
        cols.add(new Column(name, r.type()));
      }
      out.add(new ViewFeatures(group.get(0).view(), List.copyOf(group), List.copyOf(cols)));
    }
    return out;
  }
}
