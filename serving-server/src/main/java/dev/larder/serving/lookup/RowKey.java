package dev.larder.serving.lookup;

import java.util.Arrays;

/**
 * Cache key of one online row: view, view version, materialization run and encoded entity key. Because the
 * run id is part of the key, a newly materialized run can never be answered from rows cached for an older
 * run; those entries simply become unreachable (and are removed when the swap is noticed).
 */
final class RowKey {
  final String view;
  final long viewVersion;
  final long runId;
  final byte[] entityKey;
  private final int hash;

  RowKey(String view, long viewVersion, long runId, byte[] entityKey) {
    this.view = view;
    this.viewVersion = viewVersion;
    this.runId = runId;
    this.entityKey = entityKey;
    int h = view.hashCode();
    h = 31 * h + Long.hashCode(viewVersion);
    h = 31 * h + Long.hashCode(runId);
    this.hash = 31 * h + Arrays.hashCode(entityKey);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowKey k && hash == k.hash && runId == k.runId && viewVersion == k.viewVersion
        && view.equals(k.view) && Arrays.equals(entityKey, k.entityKey);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
