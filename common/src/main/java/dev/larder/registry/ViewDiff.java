package dev.larder.registry;

import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a feature view changed, split into changes that break its stored data (and so bump its version) and
 * the others. Breaking: a feature's type changed, a feature was removed, the entity list changed, or the join
 * keys of one of its entities changed, or its existing features moved. Stored rows are keyed, typed and laid
 * out by these; everything else (appended features, windows, filters, TTL, descriptions) keeps the existing
 * data readable.
 */
record ViewDiff(List<String> breaking, List<String> other) {

  static ViewDiff of(FeatureView old, FeatureView neu, Map<String, Entity> oldEntities,
                     Map<String, Entity> newEntities) {
    List<String> breaking = new ArrayList<>();
    List<String> other = new ArrayList<>();
    if (!old.getEntitiesList().equals(neu.getEntitiesList())) {
      breaking.add("entities " + old.getEntitiesList() + " -> " + neu.getEntitiesList());
    } else {
      for (String e : neu.getEntitiesList()) {
        Entity before = oldEntities.get(e);
        Entity after = newEntities.get(e);
        if (before != null && after != null && !before.getJoinKeysList().equals(after.getJoinKeysList())) {
          breaking.add("join keys of entity '" + e + "' changed: "
              + String.join(", ", Diff.fieldChanges(before, after, Set.of("name", "description", "owner", "tags"))));
        }
      }
    }
    Map<String, Feature> before = byName(old);
    Map<String, Feature> after = byName(neu);
    before.forEach((name, f) -> {
      Feature g = after.get(name);
      if (g == null) {
        breaking.add("removed feature " + name);
      } else if (f.getType() != g.getType()) {
        breaking.add("feature " + name + " type " + f.getType() + " -> " + g.getType());
      } else if (!f.equals(g)) {
        other.add("feature " + name + ": " + String.join(", ", Diff.fieldChanges(f, g, Set.of("name", "type"))));
      }
    });
    after.keySet().stream().filter(n -> !before.containsKey(n)).forEach(n -> other.add("added feature " + n));
    // Online rows store features by position: existing features must keep their positions, so only
    // appending is compatible; a reorder or an insertion before an existing feature needs a new version.
    List<String> oldNames = List.copyOf(before.keySet());
    List<String> newNames = List.copyOf(after.keySet());
    if (after.keySet().containsAll(oldNames)
        && !newNames.subList(0, oldNames.size()).equals(oldNames)) {
      breaking.add("features reordered or inserted before existing ones (only appending keeps stored rows readable)");
    }
    other.addAll(Diff.fieldChanges(old, neu, Set.of("name", "entities", "features")));
    return new ViewDiff(breaking, other);
  }

  private static Map<String, Feature> byName(FeatureView v) {
    Map<String, Feature> m = new LinkedHashMap<>();
    v.getFeaturesList().forEach(f -> m.put(f.getName(), f));
    return m;
  }
}
