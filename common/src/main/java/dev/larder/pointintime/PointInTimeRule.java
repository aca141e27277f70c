package dev.larder.pointintime;

import dev.larder.time.Durations;
import java.time.Duration;

/**
 * Which history row of a feature view a training row at time {@code ts} may see, and which one wins. It exists
 * so that training sets (batch) and freshness checks (serving) apply one definition of "the value as of ts":
 *
 * <ul>
 *   <li>candidates have the same join key values and {@code event_timestamp <= ts};
 *   <li>with a TTL, also {@code event_timestamp > ts - ttl} (a value exactly {@code ttl} old has expired);
 *   <li>with {@code createdBeforeRow}, also {@code created_timestamp <= ts} (a row written after the training
 *       row's time was not knowable then; a row without a created time counts as written at its event time);
 *   <li>the winner has the greatest event_timestamp, then the greatest created_timestamp (null lowest), then
 *       the greatest history sequence number (the row read last), so the result is deterministic.
 * </ul>
 *
 * <p>Timestamps are microseconds; a null created timestamp is passed as {@link #NO_CREATED}, which orders below
 * every real value and never fails the created-before-row test, exactly as described above.
 *
 * @param ttlMicros the view's TTL in microseconds, {@link Long#MAX_VALUE} for none
 * @param createdBeforeRow whether candidates must also have been created at or before the row's time
 */
public record PointInTimeRule(long ttlMicros, boolean createdBeforeRow) {
  /** The created timestamp of a history row that has none. */
  public static final long NO_CREATED = Long.MIN_VALUE;

  public PointInTimeRule {
    if (ttlMicros <= 0) {
      throw new IllegalArgumentException("ttl must be positive, got " + ttlMicros + " micros");
    }
  }

  /** The rule for a view whose TTL is {@code ttl} (null for none, as {@code Catalog.ttl(view)} returns). */
  public static PointInTimeRule of(Duration ttl, boolean createdBeforeRow) {
    return new PointInTimeRule(Durations.toMicros(ttl), createdBeforeRow);
  }

  public boolean hasTtl() {
    return ttlMicros != Long.MAX_VALUE;
  }

  /**
   * The earliest row time at which a history row can be a candidate, ignoring the TTL: its event time, or with
   * {@code createdBeforeRow} the later of its event and created times.
   */
  public long availableAt(long eventTs, long createdTs) {
    return createdBeforeRow ? Math.max(eventTs, createdTs) : eventTs;
  }

  /** Whether a value with this event time has not expired at {@code rowTs}: {@code eventTs > rowTs - ttl}. */
  public boolean isFresh(long rowTs, long eventTs) {
    if (!hasTtl()) {
      return true;
    }
    long oldestExcluded = rowTs - ttlMicros;
    boolean overflow = ((rowTs ^ ttlMicros) & (rowTs ^ oldestExcluded)) < 0;
    return overflow || eventTs > oldestExcluded;
  }

  /** Whether a history row may be seen by a training row at {@code rowTs} (join keys assumed equal). */
  public boolean isCandidate(long rowTs, long eventTs, long createdTs) {
    return availableAt(eventTs, createdTs) <= rowTs && isFresh(rowTs, eventTs);
  }

  /** Orders candidates; the greatest wins. */
  public static int compareCandidates(long eventTs1, long createdTs1, long seq1,
                                      long eventTs2, long createdTs2, long seq2) {
    int c = Long.compare(eventTs1, eventTs2);
    if (c != 0) {
      return c;
    }
    c = Long.compare(createdTs1, createdTs2);
    return c != 0 ? c : Long.compare(seq1, seq2);
  }
}
