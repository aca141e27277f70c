package dev.larder.serving.push;

import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Source;
import dev.larder.registry.Catalog;
import dev.larder.registry.Validation;
import dev.larder.serving.lookup.ClientText;
import dev.larder.serving.lookup.Grant;
import dev.larder.serving.lookup.LookupException;
import dev.larder.serving.lookup.ServedRegistry;
import dev.larder.serving.v1.PushFeaturesRequest;
import dev.larder.serving.v1.PushFeaturesResponse;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Answers PushFeatures: resolves the push view in the current registry, checks the caller's write grant,
 * checks the whole batch ({@link PushRows}) and writes it to the view version's fresh layer, returning only
 * once the write is durable. Pushes go to the view's current version (its definition as applied now).
 */
public final class PushService {
  private final Supplier<ServedRegistry> registry;
  private final Supplier<FreshLayer> layers;
  private final Runnable layerCreated;

  /**
   * @param layerCreated run (before the push is acknowledged) when a push created a view version's layer, so
   *     that the server starts serving that version at once
   */
  /** @param layers the server's fresh layers, null until the store is open (pushes are then UNAVAILABLE) */
  public PushService(Supplier<ServedRegistry> registry, Supplier<FreshLayer> layers, Runnable layerCreated) {
    this.registry = registry;
    this.layers = layers;
    this.layerCreated = layerCreated;
  }

  /**
   * @throws LookupException NOT_FOUND for an unknown view, FAILED_PRECONDITION for a view that is not an online
   *     push view, PERMISSION_DENIED without a write grant, INVALID_ARGUMENT for a bad batch (nothing written),
   *     INTERNAL when the write fails (nothing acknowledged)
   */
  public PushFeaturesResponse push(PushFeaturesRequest request, Grant grant) {
    String name = request.getFeatureView();
    if (name.isEmpty()) {
      throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "the push names no feature_view");
    }
    if (name.length() > Validation.MAX_NAME_LENGTH) {
      throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "feature_view '" + ClientText.name(name)
          + "' is " + name.length() + " characters long; names are at most " + Validation.MAX_NAME_LENGTH);
    }
    Catalog catalog = registry.get().catalog();
    FeatureView view = catalog.view(name).orElseThrow(() -> new LookupException(LookupException.Kind.NOT_FOUND,
        "unknown feature view '" + ClientText.name(name) + "'"));
    Source source = catalog.source(view.getSource()).orElse(null);
    if (source == null || !source.hasPush()) {
      throw new LookupException(LookupException.Kind.FAILED_PRECONDITION, "feature view '" + name + "' is not a"
          + " push view (its source '" + view.getSource() + "' is read from files); only views over a source with"
          + " push {} accept pushes");
    }
    if (!Catalog.isOnline(view)) {
      throw new LookupException(LookupException.Kind.FAILED_PRECONDITION, "push view '" + name + "' is not online"
          + " (online: false): pushed rows are served online only, so a push to it would be lost");
    }
    if (!grant.mayWriteView(name)) {
      throw new LookupException(LookupException.Kind.PERMISSION_DENIED, "token '" + grant.client()
          + "' may not push to feature view '" + name + "' (its line in the token file has no writes= naming it)");
    }
    PushTarget target;
    try {
      target = PushTarget.of(catalog, view, source);
    } catch (RuntimeException e) {
      throw new LookupException(LookupException.Kind.FAILED_PRECONDITION, "push view '" + name + "' cannot be"
          + " written: " + e.getMessage());
    }
    PushRows rows = PushRows.decode(target, request.getColumnsMap());
    FreshLayer layer = layers.get();
    if (layer == null) {
      throw new LookupException(LookupException.Kind.UNAVAILABLE, "the online store is not open yet");
    }
    if (!rows.keys().isEmpty()) {
      boolean created = layer.of(name, target.version()) == null;
      try {
        layer.forWrite(name, target.version()).write(rows.keys(), rows.rows());
      } catch (IOException e) {
        throw new LookupException(LookupException.Kind.INTERNAL, "push to feature view '" + name
            + "' was not written: " + e.getMessage());
      }
      if (created) {
        layerCreated.run();
      }
    }
    return PushFeaturesResponse.newBuilder().setRowsWritten(rows.keys().size()).setViewVersion(target.version())
        .build();
  }
}
