package dev.larder.serving.lookup;

import dev.larder.registry.Catalog.FeatureRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to answer one list of feature references: which view versions to read, which of each one's row values
 * to take, and where each goes in the response. Plans are built once per distinct reference list, registry
 * version and choice of served versions (see {@link ServedRegistry}) and then reused, so a request does no
 * name or version resolution.
 *
 * @param reads one read per view version, in order of its first reference
 * @param names response feature names ({@code feature})
 * @param fullNames response feature names with {@code full_feature_names} ({@code view__feature})
 * @param namesField {@code names} as the response's serialized {@code feature_names} field
 * @param fullNamesField {@code fullNames} as the response's serialized {@code feature_names} field
 * @param servedVersionsField the view version of each response feature, as the serialized
 *     {@code served_versions} field
 */
record LookupPlan(List<ViewRead> reads, List<String> names, List<String> fullNames,
                         byte[] namesField, byte[] fullNamesField, byte[] servedVersionsField) {

  /**
   * One view version's share of a plan.
   *
   * @param featureIndexes positions in the version's rows of the wanted features
   * @param outputSlots positions in the response of the same features
   * @param keysFrom the first read with the same join keys (this read's own index if none is earlier): its
   *     encoded entity keys are this read's too, so a request encodes each entity once per set of join keys
   */
  public record ViewRead(ViewSpec spec, int[] featureIndexes, int[] outputSlots, int keysFrom) {}

  public int featureCount() {
    return names.size();
  }

  /** Whether any view read has a TTL, i.e. whether answering needs the current time. */
  public boolean anyTtl() {
    for (ViewRead read : reads) {
      if (read.spec().freshness().hasTtl()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Groups resolved references by the view version that answers them: the pinned version, or the version
   * the registry serves the view from. A feature the served (older) version lacks is read from the view's
   * registry version.
   *
   * @throws LookupException FAILED_PRECONDITION naming a referenced view that is not served online, or a
   *     pinned version that has no online data
   */
  static LookupPlan of(List<FeatureRef> refs, ServedRegistry registry) {
    if (refs.isEmpty()) {
      throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "no features requested");
    }
    Map<ViewSpec, List<int[]>> bySpec = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(refs.size());
    List<String> fullNames = new ArrayList<>(refs.size());
    long[] servedVersions = new long[refs.size()];
    for (int slot = 0; slot < refs.size(); slot++) {
      FeatureRef ref = refs.get(slot);
      Map<Long, ViewSpec> versions = registry.versions(ref.viewName());
      if (versions.isEmpty()) {
        throw new LookupException(LookupException.Kind.FAILED_PRECONDITION,
            "feature view '" + ref.viewName() + "' is not served online (online: false)");
      }
      ViewSpec spec;
      int index = ref.index();
      if (ref.pinned()) {
        spec = versions.get(ref.version());
        if (spec == null || !registry.hasData(ref.viewName(), ref.version())) {
          throw new LookupException(LookupException.Kind.FAILED_PRECONDITION, "feature view '" + ref.viewName()
              + "' version " + ref.version() + " has no online data on this server (versions with data: "
              + registry.versionsWithData(ref.viewName()) + "); materialize it or ask for another version");
        }
      } else {
        spec = registry.onlineViews().get(ref.viewName());
        if (spec.version() != ref.version()) {
          index = featureIndex(spec, ref.name(), ref.type());
          if (index < 0) {
            spec = versions.get(ref.version());
            index = ref.index();
          }
        }
      }
      bySpec.computeIfAbsent(spec, v -> new ArrayList<>()).add(new int[] {index, slot});
      names.add(ref.name());
      fullNames.add(ref.viewName() + "__" + ref.name());
      servedVersions[slot] = spec.version();
    }
    List<ViewRead> reads = new ArrayList<>(bySpec.size());
    bySpec.forEach((spec, pairs) -> {
      int[] features = new int[pairs.size()];
      int[] slots = new int[pairs.size()];
      for (int i = 0; i < pairs.size(); i++) {
        features[i] = pairs.get(i)[0];
        slots[i] = pairs.get(i)[1];
      }
      int keysFrom = reads.size();
      for (int earlier = 0; earlier < reads.size(); earlier++) {
        if (reads.get(earlier).spec().joinKeys().equals(spec.joinKeys())) {
          keysFrom = earlier;
          break;
        }
      }
      reads.add(new ViewRead(spec, features, slots, keysFrom));
    });
    return new LookupPlan(List.copyOf(reads), List.copyOf(names), List.copyOf(fullNames),
        ResponseWriter.namesField(names), ResponseWriter.namesField(fullNames),
        ResponseWriter.servedVersionsField(servedVersions));
  }

  /**
   * The position of a feature in an older version's rows, or -1 when that version has no feature of that name
   * and type (then the older version cannot answer for it).
   */
  private static int featureIndex(ViewSpec spec, String name, dev.larder.core.v1.ValueType type) {
    for (int i = 0; i < spec.view().getFeaturesCount(); i++) {
      if (spec.view().getFeatures(i).getName().equals(name)) {
        return spec.view().getFeatures(i).getType() == type ? i : -1;
      }
    }
    return -1;
  }
}
