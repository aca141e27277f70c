package dev.larder.registry;

import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a feature view changed, split into changes of its meaning, which make a new view version, and the
 * others. The {@link ViewFingerprint} decides which side a change is on; this class only says in words what
 * changed: a feature added, removed, renamed, reordered or retyped, a feature's aggregation (function,
 * column, filter, window), the entities or their join keys, or the source's definition. TTL, the online flag,
 * descriptions, owners and tags keep the version.
 */
record ViewDiff(List<String> breaking, List<String> other) {

  static ViewDiff of(FeatureView old, FeatureView neu, Map<String, Entity> oldEntities,
                     Map<String, Entity> newEntities, Source oldSource, Source newSource) {
    List<String> meaning = new ArrayList<>();
    List<String> other = new ArrayList<>();
    if (!old.getEntitiesList().equals(neu.getEntitiesList())) {
      meaning.add("entities " + old.getEntitiesList() + " -> " + neu.getEntitiesList());
    } else {
      for (String e : neu.getEntitiesList()) {
        Entity before = oldEntities.get(e);
        Entity after = newEntities.get(e);
        if (before != null && after != null && !before.getJoinKeysList().equals(after.getJoinKeysList())) {
          meaning.add("join keys of entity '" + e + "' changed: "
              + String.join(", ", Diff.fieldChanges(before, after, Set.of("name", "description", "owner", "tags"))));
        }
      }
    }
    Map<String, Feature> before = byName(old);
    Map<String, Feature> after = byName(neu);
    Set<String> descriptive = Set.of("name", "description", "tags");
    before.forEach((name, f) -> {
      Feature g = after.get(name);
      if (g == null) {
        meaning.add("removed feature " + name);
      } else if (f.getType() != g.getType()) {
        meaning.add("feature " + name + " type " + f.getType() + " -> " + g.getType());
      } else if (!f.getAggregation().equals(g.getAggregation()) || f.hasAggregation() != g.hasAggregation()) {
        meaning.add("feature " + name + ": " + String.join(", ", Diff.fieldChanges(f, g, descriptive)));
      } else if (!f.equals(g)) {
        other.add("feature " + name + ": " + String.join(", ", Diff.fieldChanges(f, g, Set.of("name", "type"))));
      }
    });
    after.keySet().stream().filter(n -> !before.containsKey(n)).forEach(n -> meaning.add("added feature " + n));
    List<String> oldNames = List.copyOf(before.keySet());
    List<String> common = after.keySet().stream().filter(before::containsKey).toList();
    if (!common.equals(oldNames.stream().filter(after::containsKey).toList())) {
      meaning.add("features reordered");
    }
    if (oldSource != null && newSource != null) {
      List<String> source = Diff.fieldChanges(oldSource, newSource, Set.of("name", "description", "owner", "tags"));
      if (!source.isEmpty()) {
        meaning.add("source '" + newSource.getName() + "': " + String.join(", ", source));
      }
    }
    other.addAll(Diff.fieldChanges(old, neu, Set.of("name", "entities", "features")));
    return new ViewDiff(new ArrayList<>(meaning), other);
  }

  private static Map<String, Feature> byName(FeatureView v) {
    Map<String, Feature> m = new LinkedHashMap<>();
    v.getFeaturesList().forEach(f -> m.put(f.getName(), f));
    return m;
  }
}
