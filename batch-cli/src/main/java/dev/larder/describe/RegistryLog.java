package dev.larder.describe;

import dev.larder.registry.Plan;
import com.google.protobuf.Value;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.RegistryVersion;
import dev.larder.time.Timestamps;
import java.util.ArrayList;
import java.util.List;

/** What {@code larder log} prints: the registry's versions, newest first, each with what changed. */
public final class RegistryLog {
  private RegistryLog() {}

  public static String text(Registry registry) {
    if (registry.getVersionsCount() == 0) {
      return "No versions yet; run `larder apply` to create the registry\n";
    }
    StringBuilder sb = new StringBuilder();
    for (RegistryVersion v : newestFirst(registry)) {
      sb.append("version ").append(v.getVersion()).append("  ")
          .append(Timestamps.format(Timestamps.fromProto(v.getAppliedAt()))).append('\n');
      v.getChangesList().forEach(c -> sb.append("  ").append(Plan.describe(c)).append('\n'));
    }
    return sb.toString();
  }

  public static String json(Registry registry) {
    List<Value> items = newestFirst(registry).stream().map(Json::of).toList();
    return Json.print(Json.array(items)) + "\n";
  }

  private static List<RegistryVersion> newestFirst(Registry registry) {
    List<RegistryVersion> l = new ArrayList<>(registry.getVersionsList());
    l.sort((a, b) -> Long.compare(b.getVersion(), a.getVersion()));
    return l;
  }
}
