package dev.larder.serving.push;

import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Source;
import dev.larder.online.EntityKeyCodec;
import dev.larder.online.FeatureRowCodec;
import dev.larder.registry.Catalog;
import java.util.List;

/**
 * What a push to one view needs, from one registry version: the version pushes go to (the view's current
 * definition), its join keys, event and created timestamp columns, features, and the shared key and row
 * codecs, so that pushed rows are stored in exactly the encoding materialized runs use.
 */
record PushTarget(FeatureView view, long version, List<Field> joinKeys, String timestampField,
                  String createdTimestampField, EntityKeyCodec keyCodec, FeatureRowCodec rowCodec) {

  static PushTarget of(Catalog catalog, FeatureView view, Source source) {
    List<Field> keys = catalog.joinKeys(view);
    return new PushTarget(view, catalog.viewVersion(view.getName()), keys, source.getTimestampField(),
        source.getCreatedTimestampField(), new EntityKeyCodec(keys),
        new FeatureRowCodec(view.getFeaturesList().stream().map(Feature::getType).toList()));
  }

  String name() {
    return view.getName();
  }
}
