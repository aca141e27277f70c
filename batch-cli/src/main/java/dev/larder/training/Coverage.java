package dev.larder.training;

import dev.larder.core.v1.FeatureView;
import dev.larder.offline.OfflineStore;
import dev.larder.join.JoinSummary;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Explains a view that matched none of the entity rows: almost always a training set built before
 * {@code compute} ran for the rows' dates, which otherwise shows only as a column of nulls. It names the entity
 * rows' time range, what history the view has, and the command to run.
 */
final class Coverage {
  private Coverage() {}

  /** One view without any match, and why. */
  record Gap(String view, String message) {}

  /** The gaps of a finished join: views with rows to match and no match at all. */
  static List<Gap> gaps(JoinSummary join, Catalog catalog, ProjectConfig config, EntityTable entities)
      throws IOException {
    List<Gap> out = new ArrayList<>();
    long[] range = null;
    for (JoinSummary.ViewCount v : join.views()) {
      if (join.rows() == 0 || v.matched() > 0) {
        continue;
      }
      if (range == null) {
        range = entities.timeRange();
      }
      out.add(new Gap(v.view(), message(catalog, catalog.requireView(v.view()), config, range)));
    }
    return out;
  }

  private static String message(Catalog catalog, FeatureView view, ProjectConfig config, long[] range) throws IOException {
    String rows = "[" + Timestamps.format(range[0]) + ", " + Timestamps.format(range[1]) + "]";
    if (!Catalog.isAggregation(view)) {
      return "feature view '" + view.getName() + "' matched none of the entity rows: its source '"
          + view.getSource() + "' has no rows at or before the entity rows' times " + rows
          + (Catalog.ttl(view) == null ? "" : " within its TTL (" + view.getTtl() + ")")
          + "; check the source's path and times with `larder describe " + view.getSource() + "`";
    }
    List<OfflineStore.Snapshot> snapshots = OfflineStore.of(config).snapshots(catalog, view.getName());
    String has = snapshots.isEmpty() ? "it has no snapshots at all"
        : "its snapshots cover [" + Timestamps.format(snapshots.get(0).asOf()) + ", "
            + Timestamps.format(snapshots.get(snapshots.size() - 1).asOf()) + "]";
    return "feature view '" + view.getName() + "' has no snapshots in the entity rows' time range " + rows + " ("
        + has + (Catalog.ttl(view) == null ? "" : ", TTL " + view.getTtl()) + "); run `larder compute --repo "
        + config.repoDir() + " --view " + view.getName() + " --start " + date(range[0]) + " --end "
        + date(range[1]) + " --step 1d` first";
  }

  private static String date(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)).atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }
}
