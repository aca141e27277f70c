package dev.larder.registry;

import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.Entity;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Source;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every object of a feature repository's definition files, each with its location, in file order. It is the
 * input of validation; {@link #toDefinitions()} is what gets applied once validation found nothing.
 */
record DefinitionSet(List<Located<Entity>> entities, List<Located<Source>> sources,
                            List<Located<FeatureView>> views, List<Located<FeatureService>> services) {

  public static DefinitionSet empty() {
    return new DefinitionSet(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  }

  /** Adds the objects of one parsed file; {@code where} locates the file's top-level message. */
  void add(Definitions d, Locator where) {
    for (int i = 0; i < d.getEntitiesCount(); i++) {
      entities.add(new Located<>(d.getEntities(i), where.child("entities", i)));
    }
    for (int i = 0; i < d.getSourcesCount(); i++) {
      sources.add(new Located<>(d.getSources(i), where.child("sources", i)));
    }
    for (int i = 0; i < d.getFeatureViewsCount(); i++) {
      views.add(new Located<>(d.getFeatureViews(i), where.child("feature_views", i)));
    }
    for (int i = 0; i < d.getFeatureServicesCount(); i++) {
      services.add(new Located<>(d.getFeatureServices(i), where.child("feature_services", i)));
    }
  }

  /** All objects, each kind sorted by name, so that moving an object between files changes nothing. */
  public Definitions toDefinitions() {
    Definitions.Builder b = Definitions.newBuilder();
    entities.stream().map(Located::value).sorted(Comparator.comparing(Entity::getName)).forEach(b::addEntities);
    sources.stream().map(Located::value).sorted(Comparator.comparing(Source::getName)).forEach(b::addSources);
    views.stream().map(Located::value).sorted(Comparator.comparing(FeatureView::getName))
        .forEach(b::addFeatureViews);
    services.stream().map(Located::value).sorted(Comparator.comparing(FeatureService::getName))
        .forEach(b::addFeatureServices);
    return b.build();
  }
}
