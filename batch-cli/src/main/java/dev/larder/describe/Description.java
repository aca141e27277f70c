package dev.larder.describe;

import dev.larder.registry.Catalog;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ViewState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code larder describe NAME} prints: every object called NAME (an entity, source, view, service, or a
 * feature written {@code view:feature} or by its bare name) with its properties and lineage, as text or JSON.
 */
public final class Description {
  private final String type;
  private final String name;
  private final Message definition;
  /** Property name -> String, Long or List of String, in display order. */
  private final Map<String, Object> properties = new LinkedHashMap<>();

  private Description(String type, String name, Message definition) {
    this.type = type;
    this.name = name;
    this.definition = definition;
  }

  private Description put(String key, Object value) {
    properties.put(key, value);
    return this;
  }

  /**
   * Every object matching {@code name}.
   *
   * @throws Catalog.UnknownReferenceException when nothing is called so
   */
  public static List<Description> of(Registry registry, String name) {
    Catalog catalog = Catalog.of(registry);
    Lineage lineage = new Lineage(registry);
    List<Description> out = new ArrayList<>();
    catalog.entity(name).ifPresent(e -> out.add(entity(e, lineage)));
    catalog.source(name).ifPresent(s -> out.add(source(s, lineage)));
    catalog.view(name).ifPresent(v -> out.add(view(v, catalog, lineage)));
    catalog.service(name).ifPresent(s -> out.add(service(s, catalog)));
    int colon = name.indexOf(':');
    for (FeatureView v : registry.getFeatureViewsList()) {
      for (Feature f : v.getFeaturesList()) {
        boolean match = colon < 0 ? f.getName().equals(name) : (v.getName() + ":" + f.getName()).equals(name);
        if (match) {
          out.add(feature(v, f, catalog, lineage));
        }
      }
    }
    if (out.isEmpty()) {
      throw new Catalog.UnknownReferenceException("nothing is called '" + name + "' in registry version "
          + registry.getVersion() + "; expected the name of an entity, source, feature view, feature service or"
          + " feature (view:feature); see `larder list views`");
    }
    return out;
  }

  private static Description entity(Entity e, Lineage lineage) {
    List<String> views = lineage.viewsOfEntity(e.getName());
    return new Description("entity", e.getName(), e)
        .put("description", e.getDescription())
        .put("join keys", Lineage.keys(e.getJoinKeysList()))
        .put("feature views", views)
        .put("feature services", lineage.servicesOfViews(views));
  }

  private static Description source(Source s, Lineage lineage) {
    List<String> views = lineage.viewsOfSource(s.getName());
    return new Description("source", s.getName(), s)
        .put("description", s.getDescription())
        .put("path", s.getPath())
        .put("format", s.getFormat().name())
        .put("timestamp field", s.getTimestampField())
        .put("created timestamp field", s.getCreatedTimestampField())
        .put("schema", s.getSchemaCount() == 0 ? List.of("(read from the files)")
            : s.getSchemaList().stream().map(f -> f.getName() + " " + f.getType()).toList())
        .put("feature views", views)
        .put("feature services", lineage.servicesOfViews(views));
  }

  private static Description view(FeatureView v, Catalog catalog, Lineage lineage) {
    ViewState state = catalog.viewState(v.getName()).orElse(ViewState.getDefaultInstance());
    return new Description("feature_view", v.getName(), v)
        .put("description", v.getDescription())
        .put("kind", Lineage.kind(v))
        .put("version", catalog.viewVersion(v.getName()))
        .put("since registry version", state.getSinceRegistryVersion())
        .put("fingerprint", dev.larder.registry.ViewFingerprint.shortForm(
            catalog.versions(v.getName()).current().fingerprint()))
        .put("previous versions", state.getPreviousVersionsList().stream()
            .map(p -> "v" + p.getVersion() + " (registry versions " + p.getSinceRegistryVersion() + ".."
                + p.getUntilRegistryVersion() + ", fingerprint " + dev.larder.registry.ViewFingerprint.shortForm(
                    p.getFingerprint()) + ")").toList())
        .put("source", v.getSource())
        .put("entities", v.getEntitiesList().stream()
            .map(e -> e + " (" + catalog.entity(e).map(x -> Lineage.keys(x.getJoinKeysList())).orElse("?") + ")")
            .toList())
        .put("ttl", v.getTtl().isEmpty() ? "none" : v.getTtl())
        .put("online", Catalog.isOnline(v) ? "yes" : "no")
        .put("features", v.getFeaturesList().stream()
            .map(f -> f.getName() + " " + f.getType() + " = " + Lineage.formula(f)).toList())
        .put("feature services", lineage.servicesOfView(v.getName()))
        .put("materialized", state.getMaterializedList().stream().map(Lineage::interval).toList());
  }

  private static Description service(FeatureService s, Catalog catalog) {
    List<Catalog.FeatureRef> refs = catalog.resolve(s.getFeaturesList());
    List<String> views = refs.stream().map(Catalog.FeatureRef::viewName).distinct().toList();
    return new Description("feature_service", s.getName(), s)
        .put("description", s.getDescription())
        .put("features", refs.stream().map(r -> r.qualifiedName() + " " + r.type()).toList())
        .put("feature views", views)
        .put("entities", views.stream().flatMap(v -> catalog.requireView(v).getEntitiesList().stream())
            .distinct().toList())
        .put("sources", views.stream().map(v -> catalog.requireView(v).getSource()).distinct().toList());
  }

  private static Description feature(FeatureView v, Feature f, Catalog catalog, Lineage lineage) {
    return new Description("feature", v.getName() + ":" + f.getName(), f)
        .put("description", f.getDescription())
        .put("type", f.getType().name())
        .put("computed as", Lineage.formula(f))
        .put("feature view", v.getName() + " (" + Lineage.kind(v) + ", version " + catalog.viewVersion(v.getName())
            + ")")
        .put("source", v.getSource())
        .put("entities", v.getEntitiesList())
        .put("join keys", Lineage.keys(catalog.joinKeys(v)))
        .put("feature services", lineage.servicesOfFeature(v.getName(), f.getName()));
  }

  /** Indented text, one property per line; list values continue on aligned lines. */
  public String text() {
    int width = properties.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
    StringBuilder sb = new StringBuilder(type).append(' ').append(name).append('\n');
    properties.forEach((key, value) -> {
      if (value instanceof String s && s.isEmpty()) {
        return;
      }
      List<?> lines = value instanceof List<?> l ? (l.isEmpty() ? List.of("none") : l) : List.of(value);
      String label = String.format("  %-" + width + "s", key + ":");
      for (int i = 0; i < lines.size(); i++) {
        sb.append(i == 0 ? label : " ".repeat(label.length())).append(lines.get(i)).append('\n');
      }
    });
    return sb.toString();
  }

  /** A JSON object: type, name, the properties (keys with underscores) and the definition. */
  public Value json() {
    Struct.Builder o = Json.object().putFields("type", Json.of(type)).putFields("name", Json.of(name));
    properties.forEach((key, value) -> {
      String k = key.replace(' ', '_');
      if (value instanceof Long n) {
        o.putFields(k, Json.of(n));
      } else if (value instanceof List<?> l) {
        o.putFields(k, Json.strings(l.stream().map(String::valueOf).toList()));
      } else {
        o.putFields(k, Json.of(String.valueOf(value)));
      }
    });
    o.putFields("definition", Json.of(definition));
    return Json.of(o);
  }

  /** All descriptions as text, separated by blank lines. */
  public static String text(List<Description> all) {
    return String.join("\n", all.stream().map(Description::text).toList());
  }

  /** All descriptions as one JSON array. */
  public static String json(List<Description> all) {
    return Json.print(Json.array(all.stream().map(Description::json).toList())) + "\n";
  }
}
