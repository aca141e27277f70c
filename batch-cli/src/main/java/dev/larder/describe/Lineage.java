package dev.larder.describe;

import dev.larder.registry.Catalog;
import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Interval;
import dev.larder.core.v1.Registry;
import dev.larder.time.Timestamps;
import java.util.List;

/**
 * Who uses what in a registry: the views reading a source or keyed by an entity, and the services using a
 * view or a feature. {@code describe} shows it so that users see what a change would touch.
 */
final class Lineage {
  private final Registry registry;

  Lineage(Registry registry) {
    this.registry = registry;
  }

  List<String> viewsOfSource(String source) {
    return registry.getFeatureViewsList().stream().filter(v -> v.getSource().equals(source))
        .map(FeatureView::getName).toList();
  }

  List<String> viewsOfEntity(String entity) {
    return registry.getFeatureViewsList().stream().filter(v -> v.getEntitiesList().contains(entity))
        .map(FeatureView::getName).toList();
  }

  List<String> servicesOfView(String view) {
    return registry.getFeatureServicesList().stream()
        .filter(s -> s.getFeaturesList().stream().anyMatch(r -> viewOf(r).equals(view)))
        .map(FeatureService::getName).toList();
  }

  List<String> servicesOfViews(List<String> views) {
    return views.stream().flatMap(v -> servicesOfView(v).stream()).distinct().toList();
  }

  List<String> servicesOfFeature(String view, String feature) {
    return registry.getFeatureServicesList().stream()
        .filter(s -> s.getFeaturesList().stream().map(String::trim)
            .anyMatch(r -> r.equals(view) || r.equals(view + ":" + feature)))
        .map(FeatureService::getName).toList();
  }

  private static String viewOf(String ref) {
    String r = ref.trim();
    int colon = r.indexOf(':');
    return colon < 0 ? r : r.substring(0, colon);
  }

  /** How a feature is computed, e.g. {@code count_distinct(product_id) over 30d where event_type = 'view'}. */
  static String formula(Feature f) {
    if (!f.hasAggregation()) {
      return "column " + f.getName();
    }
    Aggregation a = f.getAggregation();
    return a.getFunction().name().toLowerCase() + "(" + (a.getColumn().isEmpty() ? "*" : a.getColumn()) + ")"
        + " over " + a.getWindow() + (a.getFilter().isBlank() ? "" : " where " + a.getFilter());
  }

  static String keys(List<Field> fields) {
    return String.join(", ", fields.stream().map(k -> k.getName() + " " + k.getType()).toList());
  }

  static String interval(Interval i) {
    return Timestamps.format(Timestamps.fromProto(i.getStart())) + " .. "
        + Timestamps.format(Timestamps.fromProto(i.getEnd()));
  }

  static String kind(FeatureView v) {
    return Catalog.isAggregation(v) ? "aggregation" : "passthrough";
  }
}
