package dev.larder.serving.lookup;

import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.online.EntityKeyCodec;
import dev.larder.online.FeatureRowCodec;
import dev.larder.pointintime.PointInTimeRule;
import dev.larder.registry.Catalog;
import java.util.List;

/**
 * Everything the request path needs about one online view, computed once per registry version: its
 * definition version, codecs for keys and rows, the freshness rule for its TTL (the same rule training sets
 * use, so a row is outside its max age online exactly when a training row at that time would not see it) and
 * join key names. Requests never touch
 * the registry proto or parse a duration.
 */
record ViewSpec(FeatureView view, long version, List<Field> joinKeys, EntityKeyCodec keyCodec,
                       FeatureRowCodec rowCodec, PointInTimeRule freshness, String keySpace) {

  /** Builds the spec of an online view; fails with a message naming the view when it cannot be served. */
  static ViewSpec of(Catalog catalog, FeatureView view) {
    List<Field> keys = catalog.joinKeys(view);
    try {
      return new ViewSpec(view, catalog.viewVersion(view.getName()), keys, new EntityKeyCodec(keys),
          new FeatureRowCodec(view.getFeaturesList().stream().map(Feature::getType).toList()),
          PointInTimeRule.of(Catalog.ttl(view), false), keySpace(keys));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("feature view '" + view.getName() + "': " + e.getMessage(), e);
    }
  }

  /**
   * The join keys' names and types, e.g. {@code user_id:INT64}: views with equal key spaces encode an entity
   * to the same bytes and share its cache entry; equal bytes in different key spaces are different entities.
   * Interned, so that comparing two is usually a reference check.
   */
  static String keySpace(List<Field> keys) {
    StringBuilder b = new StringBuilder();
    for (Field k : keys) {
      b.append(b.length() == 0 ? "" : ",").append(k.getName()).append(':').append(k.getType().name());
    }
    return b.toString().intern();
  }

  public String name() {
    return view.getName();
  }
}
