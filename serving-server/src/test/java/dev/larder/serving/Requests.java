package dev.larder.serving;

import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.FeatureVector;
import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import java.util.List;

/** Builders for requests and readers for responses, so tests read like the data they check. */
final class Requests {
  private Requests() {}

  static GetOnlineFeaturesRequest.Builder features(String... refs) {
    return GetOnlineFeaturesRequest.newBuilder().setFeatures(FeatureList.newBuilder().addAllRefs(List.of(refs)));
  }

  static GetOnlineFeaturesRequest.Builder service(String name) {
    return GetOnlineFeaturesRequest.newBuilder().setFeatureService(name);
  }

  static RepeatedValue users(long... ids) {
    RepeatedValue.Builder b = RepeatedValue.newBuilder();
    for (long id : ids) {
      b.addValues(ServingFixture.int64(id));
    }
    return b.build();
  }

  static RepeatedValue strings(String... values) {
    RepeatedValue.Builder b = RepeatedValue.newBuilder();
    for (String v : values) {
      b.addValues(ServingFixture.string(v));
    }
    return b.build();
  }

  static FeatureVector vector(GetOnlineFeaturesResponse r, String name) {
    int i = r.getFeatureNamesList().indexOf(name);
    if (i < 0) {
      throw new AssertionError("no feature " + name + " in " + r.getFeatureNamesList());
    }
    return r.getResults(i);
  }

  static List<FieldStatus> statuses(GetOnlineFeaturesResponse r, String name) {
    return vector(r, name).getStatusesList();
  }

  static List<Value> values(GetOnlineFeaturesResponse r, String name) {
    return vector(r, name).getValuesList();
  }
}
