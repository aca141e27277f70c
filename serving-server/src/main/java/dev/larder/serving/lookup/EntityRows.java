package dev.larder.serving.lookup;

import java.util.Arrays;
import java.util.Set;

/**
 * The cached rows of one entity, one per view version, each tagged with the materialization run it was read
 * from and when it was cached. Immutable: a newly read row makes a new instance ({@link #with}), which the
 * cache swaps in atomically. A row of another run than the one a request reads is not a hit, so a newly
 * materialized run is never answered from rows of an older one.
 */
final class EntityRows {
  private final Slot[] slots;

  private record Slot(String view, long version, long runId, long cachedNanos, CachedRow row) {}

  private EntityRows(Slot[] slots) {
    this.slots = slots;
  }

  /** How many rows this entity holds: its weight against the cache's bound on rows. */
  int size() {
    return slots.length;
  }

  /** The row of {@code view} version {@code version} from run {@code runId} cached at or after {@code since}, or null. */
  CachedRow row(String view, long version, long runId, long since) {
    for (Slot s : slots) {
      if (s.version == version && s.runId == runId && (s.view == view || s.view.equals(view))) {
        return s.cachedNanos - since >= 0 ? s.row : null;
      }
    }
    return null;
  }

  /** {@code rows} (which may be null) with the row of {@code view} version {@code version} set to {@code row}. */
  static EntityRows with(EntityRows rows, String view, long version, long runId, long nanos, CachedRow row) {
    Slot slot = new Slot(view, version, runId, nanos, row);
    if (rows == null) {
      return new EntityRows(new Slot[] {slot});
    }
    for (int i = 0; i < rows.slots.length; i++) {
      Slot s = rows.slots[i];
      if (s.version == version && s.view.equals(view)) {
        Slot[] copy = rows.slots.clone();
        copy[i] = slot; // a row of another run of the same version is replaced, never kept beside it
        return new EntityRows(copy);
      }
    }
    Slot[] grown = Arrays.copyOf(rows.slots, rows.slots.length + 1);
    grown[rows.slots.length] = slot;
    return new EntityRows(grown);
  }

  /** These rows without those of {@code views}: this instance when none is, null when nothing is left. */
  EntityRows without(Set<String> views) {
    int keep = 0;
    for (Slot s : slots) {
      keep += views.contains(s.view) ? 0 : 1;
    }
    if (keep == slots.length) {
      return this;
    }
    if (keep == 0) {
      return null;
    }
    Slot[] kept = new Slot[keep];
    int k = 0;
    for (Slot s : slots) {
      if (!views.contains(s.view)) {
        kept[k++] = s;
      }
    }
    return new EntityRows(kept);
  }
}
