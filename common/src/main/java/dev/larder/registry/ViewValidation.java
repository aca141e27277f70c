package dev.larder.registry;

import dev.larder.aggregate.Aggregations;
import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.ValueType;
import dev.larder.time.Durations;
import dev.larder.value.RowSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of one feature view: its source and entities exist, its join keys are columns of the source,
 * its TTL parses, and every feature is either a typed column of the source (passthrough view) or an
 * aggregation whose function fits the input column and whose declared type is what the function produces.
 */
final class ViewValidation {
  /** Columns every offline snapshot has besides join keys and features. */
  private static final Set<String> RESERVED = Set.of("event_timestamp", "created_timestamp");

  private final Validation v;

  ViewValidation(Validation validation) {
    this.v = validation;
  }

  void check(Located<FeatureView> located) {
    FeatureView view = located.value();
    Locator where = located.where();
    String name = view.getName();
    RowSchema schema = checkSource(view, where);
    Map<String, Field> joinKeys = checkEntities(view, where, schema);
    if (!view.getTtl().isEmpty()) {
      try {
        Durations.parse(view.getTtl());
      } catch (IllegalArgumentException e) {
        v.problem(where.field("ttl"), "invalid ttl of feature view '" + name + "': " + e.getMessage());
      }
    }
    if (view.getFeaturesCount() == 0) {
      v.problem(where.at(), "feature view '" + name + "' has no features; expected at least one features { ... }");
      return;
    }
    checkKinds(view, where);
    Map<String, Location> seen = new HashMap<>();
    for (int i = 0; i < view.getFeaturesCount(); i++) {
      Feature f = view.getFeatures(i);
      Locator fw = where.child("features", i);
      if (v.checkName("feature", f.getName(), fw)) {
        Location first = seen.putIfAbsent(f.getName(), fw.field("name"));
        if (first != null) {
          v.problem(fw.field("name"), "duplicate feature '" + f.getName() + "' in feature view '" + name
              + "'; first defined at " + first);
        } else if (joinKeys.containsKey(f.getName()) || RESERVED.contains(f.getName())) {
          v.problem(fw.field("name"), "feature '" + f.getName() + "' of feature view '" + name + "' has the name"
              + " of a join key or of event_timestamp/created_timestamp; expected another name");
        }
      }
      if (f.getType() == ValueType.VALUE_TYPE_UNSPECIFIED) {
        v.problem(fw.at(), "feature '" + f.getName() + "' has no type; expected type: INT64, DOUBLE, STRING, ...");
      }
      if (f.hasAggregation() && isPushView(view)) {
        v.problem(fw.field("aggregation"), "feature '" + f.getName() + "' of push view '" + name + "' has an"
            + " aggregation; a push view stores the pushed values as they are, expected no aggregation");
      } else if (f.hasAggregation()) {
        checkAggregation(view, f, fw, schema);
      } else {
        checkPassthrough(view, f, fw, schema);
      }
    }
  }

  private boolean isPushView(FeatureView view) {
    Located<dev.larder.core.v1.Source> source = v.sources.get(view.getSource());
    return source != null && source.value().hasPush();
  }

  /** The source's known columns, or null when the source is unknown or its columns cannot be known. */
  private RowSchema checkSource(FeatureView view, Locator where) {
    String source = view.getSource();
    if (source.isEmpty()) {
      v.problem(where.at(), "feature view '" + view.getName() + "' has no source; expected source: \"...\" naming"
          + " one of: " + Validation.list(v.sources.keySet()));
      return null;
    }
    if (!v.sources.containsKey(source)) {
      v.problem(where.field("source"), "unknown source '" + source + "' in feature view '" + view.getName()
          + "'; expected one of: " + Validation.list(v.sources.keySet()));
      return null;
    }
    return v.sourceSchemas.get(source);
  }

  /** Checks the entities and that their join keys are columns of the source; returns the join keys. */
  private Map<String, Field> checkEntities(FeatureView view, Locator where, RowSchema schema) {
    Map<String, Field> keys = new HashMap<>();
    if (view.getEntitiesCount() == 0) {
      v.problem(where.at(), "feature view '" + view.getName() + "' has no entities; expected entities: \"...\""
          + " naming one of: " + Validation.list(v.entities.keySet()));
    }
    for (int i = 0; i < view.getEntitiesCount(); i++) {
      String name = view.getEntities(i);
      Location at = where.field("entities", i);
      Located<Entity> entity = v.entities.get(name);
      if (entity == null) {
        v.problem(at, "unknown entity '" + name + "' in feature view '" + view.getName() + "'; expected one of: "
            + Validation.list(v.entities.keySet()));
        continue;
      }
      for (Field key : entity.value().getJoinKeysList()) {
        if (keys.putIfAbsent(key.getName(), key) != null) {
          v.problem(at, "join key '" + key.getName() + "' of entity '" + name + "' appears twice among the keys"
              + " of feature view '" + view.getName() + "'; expected distinct entities with distinct join keys");
          continue;
        }
        checkJoinKeyColumn(view, name, key, at, schema);
      }
    }
    return keys;
  }

  private void checkJoinKeyColumn(FeatureView view, String entity, Field key, Location at, RowSchema schema) {
    if (schema == null || key.getName().isEmpty() || key.getType() == ValueType.VALUE_TYPE_UNSPECIFIED) {
      return;
    }
    int idx = schema.indexOf(key.getName());
    if (idx < 0) {
      v.problem(at, "source '" + view.getSource() + "' of feature view '" + view.getName() + "' has no column '"
          + key.getName() + "' for the join key of entity '" + entity + "'; expected a column " + key.getName()
          + " " + key.getType() + " (rename one with field_mapping if it is called otherwise)");
    } else if (schema.column(idx).type() != key.getType()) {
      v.problem(at, "join key '" + key.getName() + "' of entity '" + entity + "' is " + key.getType()
          + " but column '" + key.getName() + "' of source '" + view.getSource() + "' is "
          + schema.column(idx).type() + "; expected the same type");
    }
  }

  /** A view is either all aggregations or all passthrough columns: they are computed in different ways. */
  private void checkKinds(FeatureView view, Locator where) {
    List<Feature> features = view.getFeaturesList();
    long aggregations = features.stream().filter(Feature::hasAggregation).count();
    if (aggregations == 0 || aggregations == features.size()) {
      return;
    }
    int firstPassthrough = 0;
    while (features.get(firstPassthrough).hasAggregation()) {
      firstPassthrough++;
    }
    v.problem(where.child("features", firstPassthrough).at(), "feature view '" + view.getName() + "' mixes "
        + aggregations + " aggregation feature(s) with " + (features.size() - aggregations) + " passthrough"
        + " feature(s) (first: '" + features.get(firstPassthrough).getName() + "'); expected all features"
        + " with an aggregation or none: split it into two views");
  }

  private void checkPassthrough(FeatureView view, Feature f, Locator fw, RowSchema schema) {
    if (schema == null || f.getName().isEmpty()) {
      return;
    }
    int idx = schema.indexOf(f.getName());
    if (idx < 0) {
      v.problem(fw.field("name"), "feature '" + f.getName() + "' of passthrough view '" + view.getName()
          + "' is not a column of source '" + view.getSource() + "'; expected one of: " + Validation.names(schema));
    } else if (f.getType() != ValueType.VALUE_TYPE_UNSPECIFIED && schema.column(idx).type() != f.getType()) {
      v.problem(fw.field("type"), "feature '" + f.getName() + "' is declared " + f.getType() + " but column '"
          + f.getName() + "' of source '" + view.getSource() + "' is " + schema.column(idx).type()
          + "; expected type: " + schema.column(idx).type());
    }
  }

  private void checkAggregation(FeatureView view, Feature f, Locator fw, RowSchema schema) {
    Aggregation a = f.getAggregation();
    Locator aw = fw.child("aggregation", 0);
    String what = "aggregation of feature '" + f.getName() + "'";
    checkWindow(a, aw, what);
    if (!a.getFilter().isBlank() && schema != null) {
      FilterCheck.check(a.getFilter(), schema, aw).ifPresent(p -> v.problems.add(p));
    }
    Aggregation.Function fn = a.getFunction();
    if (fn == Aggregation.Function.FUNCTION_UNSPECIFIED) {
      v.problem(aw.at(), what + " has no function; expected function: COUNT, SUM, AVG, MIN, MAX, COUNT_DISTINCT"
          + " or LAST");
      return;
    }
    ValueType input = null;
    if (a.getColumn().isEmpty() && Aggregations.needsColumn(fn)) {
      v.problem(aw.at(), what + ": " + fn + " needs an input column; expected column: \"...\" naming a column of"
          + " source '" + view.getSource() + "'");
      return;
    }
    if (!a.getColumn().isEmpty()) {
      if (schema == null) {
        return;
      }
      int idx = schema.indexOf(a.getColumn());
      if (idx < 0) {
        v.problem(aw.field("column"), "unknown column '" + a.getColumn() + "' in " + what + "; source '"
            + view.getSource() + "' has: " + Validation.names(schema));
        return;
      }
      input = schema.column(idx).type();
    }
    ValueType out;
    try {
      out = Aggregations.outputType(fn, input);
    } catch (IllegalArgumentException e) {
      v.problem(aw.field("column"), what + " over column '" + a.getColumn() + "' (" + input + "): "
          + e.getMessage());
      return;
    }
    if (f.getType() != ValueType.VALUE_TYPE_UNSPECIFIED && f.getType() != out) {
      v.problem(fw.field("type"), "feature '" + f.getName() + "' is declared " + f.getType() + " but " + fn
          + (input == null ? "" : " of " + input) + " produces " + out + "; expected type: " + out);
    }
  }

  private void checkWindow(Aggregation a, Locator aw, String what) {
    if (a.getWindow().isBlank()) {
      v.problem(aw.at(), what + " has no window; expected window: \"30d\" (or 15m, 1h, 7d, lifetime, ...)");
      return;
    }
    try {
      Durations.parse(a.getWindow());
    } catch (IllegalArgumentException e) {
      v.problem(aw.field("window"), "invalid window of " + what + ": " + e.getMessage());
    }
  }
}
