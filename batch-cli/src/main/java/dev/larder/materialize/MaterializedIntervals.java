package dev.larder.materialize;

import dev.larder.core.v1.Interval;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.RegistryChange;
import dev.larder.core.v1.RegistryVersion;
import dev.larder.core.v1.ViewState;
import dev.larder.lock.RepoLock;
import dev.larder.registry.RegistryFile;
import dev.larder.registry.RegistryStore;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The registry's record of what was materialized: each successful run appends its interval to the view
 * version's {@link ViewState#getMaterializedList()} as a new registry version, so that incremental runs know
 * where to start and {@code larder describe} shows how fresh the online data is.
 */
final class MaterializedIntervals {
  private MaterializedIntervals() {}

  /** The end of the last interval recorded for the view's given version, if any. */
  public static OptionalLong lastEnd(Registry registry, String view, long viewVersion) {
    ViewState s = registry.getViewStatesMap().get(view);
    if (s == null || effectiveVersion(s) != viewVersion || s.getMaterializedCount() == 0) {
      return OptionalLong.empty();
    }
    long last = Long.MIN_VALUE;
    for (Interval i : s.getMaterializedList()) {
      last = Math.max(last, Timestamps.fromProto(i.getEnd()));
    }
    return OptionalLong.of(last);
  }

  private static long effectiveVersion(ViewState s) {
    return s.getVersion() == 0 ? 1 : s.getVersion();
  }

  /**
   * Appends {@code [start, end]} for the view under the registry lock (re-reading the registry first).
   * Returns false, writing nothing, when the view was removed or changed version since the run started:
   * the data then belongs to a version the registry no longer serves.
   */
  @SuppressWarnings("try") // the lock is held for the block's duration, not used in it
  public static boolean record(RegistryStore store, String view, long viewVersion, long startMicros, long endMicros,
                               long runId, Instant now) throws IOException {
    try (RepoLock lock = RepoLock.acquire(store.lockFile(), "the registry")) {
      Registry current = store.read();
      ViewState state = current.getViewStatesMap().get(view);
      boolean exists = current.getFeatureViewsList().stream().anyMatch(v -> v.getName().equals(view));
      if (!exists || state == null || effectiveVersion(state) != viewVersion) {
        return false;
      }
      long version = current.getVersion() + 1;
      com.google.protobuf.Timestamp at = Timestamps.toProto(Timestamps.toMicros(now));
      Interval interval = Interval.newBuilder()
          .setStart(Timestamps.toProto(startMicros))
          .setEnd(Timestamps.toProto(endMicros))
          .build();
      Registry next = current.toBuilder()
          .setVersion(version)
          .setUpdatedAt(at)
          .putViewStates(view, state.toBuilder().addMaterialized(interval).build())
          .addVersions(RegistryVersion.newBuilder().setVersion(version).setAppliedAt(at)
              .addChanges(RegistryChange.newBuilder()
                  .setKind(RegistryChange.Kind.MATERIALIZED)
                  .setObjectType("feature_view")
                  .setName(view)
                  .setDetail("v" + viewVersion + " [" + Timestamps.format(startMicros) + ", "
                      + Timestamps.format(endMicros) + "] online run " + runId)))
          .build();
      RegistryFile.write(store.path(), next);
      return true;
    }
  }
}
