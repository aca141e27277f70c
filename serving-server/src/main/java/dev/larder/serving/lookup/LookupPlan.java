package dev.larder.serving.lookup;

import dev.larder.registry.Catalog.FeatureRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to answer one list of feature references: which views to read, which of each view's row values to
 * take, and where each goes in the response. Plans are built once per distinct reference list and registry
 * version and then reused, so a request does no name resolution.
 *
 * @param reads one read per view, in order of the view's first reference
 * @param names response feature names ({@code feature})
 * @param fullNames response feature names with {@code full_feature_names} ({@code view__feature})
 * @param namesField {@code names} as the response's serialized {@code feature_names} field
 * @param fullNamesField {@code fullNames} as the response's serialized {@code feature_names} field
 */
record LookupPlan(List<ViewRead> reads, List<String> names, List<String> fullNames,
                         byte[] namesField, byte[] fullNamesField) {

  /**
   * One view's share of a plan.
   *
   * @param featureIndexes positions in the view's rows of the wanted features
   * @param outputSlots positions in the response of the same features
   */
  public record ViewRead(ViewSpec spec, int[] featureIndexes, int[] outputSlots) {}

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
   * Groups resolved references by view.
   *
   * @param online specs of the online views, by name
   * @throws LookupException FAILED_PRECONDITION naming a referenced view that is not served online
   */
  static LookupPlan of(List<FeatureRef> refs, Map<String, ViewSpec> online) {
    if (refs.isEmpty()) {
      throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "no features requested");
    }
    Map<String, List<int[]>> byView = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(refs.size());
    List<String> fullNames = new ArrayList<>(refs.size());
    for (int slot = 0; slot < refs.size(); slot++) {
      FeatureRef ref = refs.get(slot);
      if (!online.containsKey(ref.viewName())) {
        throw new LookupException(LookupException.Kind.FAILED_PRECONDITION,
            "feature view '" + ref.viewName() + "' is not served online (online: false)");
      }
      byView.computeIfAbsent(ref.viewName(), v -> new ArrayList<>()).add(new int[] {ref.index(), slot});
      names.add(ref.name());
      fullNames.add(ref.viewName() + "__" + ref.name());
    }
    List<ViewRead> reads = new ArrayList<>(byView.size());
    byView.forEach((view, pairs) -> {
      int[] features = new int[pairs.size()];
      int[] slots = new int[pairs.size()];
      for (int i = 0; i < pairs.size(); i++) {
        features[i] = pairs.get(i)[0];
        slots[i] = pairs.get(i)[1];
      }
      reads.add(new ViewRead(online.get(view), features, slots));
    });
    return new LookupPlan(List.copyOf(reads), List.copyOf(names), List.copyOf(fullNames),
        ResponseWriter.namesField(names), ResponseWriter.namesField(fullNames));
  }
}
