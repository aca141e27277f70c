package dev.larder.describe;

import dev.larder.registry.Catalog;
import com.google.protobuf.Value;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code larder list KIND} prints: one kind of registry object as an aligned table or as JSON. */
public final class RegistryListing {
  /** The kinds of objects that can be listed. */
  public enum Kind {
    ENTITIES, SOURCES, VIEWS, SERVICES, FEATURES;

    /** Parses {@code entities}, {@code views}, ... (also the singular). */
    public static Kind parse(String text) {
      String t = text.trim().toUpperCase(Locale.ROOT);
      for (Kind k : values()) {
        if (k.name().equals(t) || k.name().equals(t + "S")) {
          return k;
        }
      }
      throw new IllegalArgumentException("cannot list '" + text + "'; expected entities, sources, views, services"
          + " or features");
    }
  }

  private RegistryListing() {}

  public static String table(Registry registry, Kind kind) {
    Catalog catalog = Catalog.of(registry);
    return switch (kind) {
      case ENTITIES -> {
        AlignedTable t = new AlignedTable("NAME", "JOIN KEYS", "DESCRIPTION");
        registry.getEntitiesList().forEach(e -> t.row(e.getName(), Lineage.keys(e.getJoinKeysList()),
            e.getDescription()));
        yield t.render();
      }
      case SOURCES -> {
        AlignedTable t = new AlignedTable("NAME", "PATH", "FORMAT", "TIMESTAMP", "COLUMNS");
        registry.getSourcesList().forEach(s -> t.row(s.getName(), s.getPath(), s.getFormat().name(),
            s.getTimestampField(), s.getSchemaCount() == 0 ? "from files" : String.valueOf(s.getSchemaCount())));
        yield t.render();
      }
      case VIEWS -> {
        AlignedTable t = new AlignedTable("NAME", "KIND", "ENTITIES", "SOURCE", "FEATURES", "TTL", "ONLINE", "VERSION");
        registry.getFeatureViewsList().forEach(v -> t.row(v.getName(), Lineage.kind(v),
            String.join(",", v.getEntitiesList()), v.getSource(), String.valueOf(v.getFeaturesCount()),
            v.getTtl().isEmpty() ? "none" : v.getTtl(), Catalog.isOnline(v) ? "yes" : "no",
            String.valueOf(catalog.viewVersion(v.getName()))));
        yield t.render();
      }
      case SERVICES -> {
        AlignedTable t = new AlignedTable("NAME", "FEATURES", "VIEWS", "DESCRIPTION");
        for (FeatureService s : registry.getFeatureServicesList()) {
          List<Catalog.FeatureRef> refs = catalog.resolve(s.getFeaturesList());
          t.row(s.getName(), String.valueOf(refs.size()),
              String.join(",", refs.stream().map(Catalog.FeatureRef::viewName).distinct().toList()),
              s.getDescription());
        }
        yield t.render();
      }
      case FEATURES -> {
        AlignedTable t = new AlignedTable("FEATURE", "TYPE", "COMPUTED AS");
        for (FeatureView v : registry.getFeatureViewsList()) {
          for (Feature f : v.getFeaturesList()) {
            t.row(v.getName() + ":" + f.getName(), f.getType().name(), Lineage.formula(f));
          }
        }
        yield t.render();
      }
    };
  }

  /** A JSON array of the objects (features as {@code {"view": ..., "feature": {...}}}). */
  public static String json(Registry registry, Kind kind) {
    List<Value> items = new ArrayList<>();
    switch (kind) {
      case ENTITIES -> registry.getEntitiesList().stream().map(Json::of).forEach(items::add);
      case SOURCES -> registry.getSourcesList().stream().map(Json::of).forEach(items::add);
      case VIEWS -> registry.getFeatureViewsList().stream().map(Json::of).forEach(items::add);
      case SERVICES -> registry.getFeatureServicesList().stream().map(Json::of).forEach(items::add);
      case FEATURES -> {
        for (FeatureView v : registry.getFeatureViewsList()) {
          for (Feature f : v.getFeaturesList()) {
            items.add(Json.of(Json.object().putFields("view", Json.of(v.getName())).putFields("feature", Json.of(f))));
          }
        }
      }
    }
    return Json.print(Json.array(items)) + "\n";
  }
}
