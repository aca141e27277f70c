package dev.larder.join;

import java.util.List;

/**
 * What a point-in-time join produced: the number of entity rows and, per view, how many rows got a history row
 * (matched) and how many got nulls. Complete once all output rows were read.
 */
public record JoinSummary(long rows, List<ViewCount> views) {
  public JoinSummary {
    views = List.copyOf(views);
  }

  /** Rows of one view that found a history row, and rows left null (no candidate, or a null join key). */
  public record ViewCount(String view, long matched, long nulls) {}
}
