package dev.larder.cli;

import dev.larder.core.v1.FeatureView;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import java.io.IOException;
import java.util.List;

/** The registry and the views a statistics command works on (all views when none is named). */
record StatsViews(Catalog catalog, List<FeatureView> views) {
  static StatsViews load(ProjectConfig config, List<String> names) {
    Catalog catalog;
    try {
      catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow(() -> UserError.usage(
          config.registryPath() + ": no registry yet; run `larder apply` first")));
    } catch (IOException e) {
      throw UserError.failure(e.getMessage());
    }
    try {
      List<FeatureView> views = names == null || names.isEmpty() ? catalog.views()
          : names.stream().map(catalog::requireView).distinct().toList();
      if (views.isEmpty()) {
        throw UserError.usage("the registry has no feature views");
      }
      return new StatsViews(catalog, views);
    } catch (Catalog.UnknownReferenceException e) {
      throw UserError.usage(e.getMessage());
    }
  }
}
