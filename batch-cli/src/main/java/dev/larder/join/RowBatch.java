package dev.larder.join;

import java.io.IOException;

/**
 * Output rows made a batch at a time on all lanes of a {@link BlockJoin} and then handed out one by one: making
 * a row (boxing a block row's winners, encoding it, or decoding a spilled row) is the costly part of handing out
 * joined rows, and the join threads are idle by then.
 *
 * @param <T> the form of a row: values ({@code Object[]}) or an encoded record ({@code byte[]})
 */
final class RowBatch<T> {
  /** Rows made at a time. */
  static final int ROWS = 8192;

  /** Makes row {@code i} of a batch on lane {@code lane}; called on several lanes at once, each for its own rows. */
  interface Maker<T> {
    T make(int lane, int i) throws IOException;
  }

  private final Object[] rows = new Object[ROWS];
  private int at;
  private int count;

  /** Whether every row made so far was handed out. */
  boolean isEmpty() {
    return at == count;
  }

  /** Makes rows {@code [0, n)} (at most {@link #ROWS}) on the lanes of {@code lanes}; call when empty. */
  void fill(BlockJoin lanes, int n, Maker<T> maker) throws IOException {
    lanes.inLanes(n, (lane, from, to) -> {
      for (int i = from; i < to; i++) {
        rows[i] = maker.make(lane, i);
      }
    });
    at = 0;
    count = n;
  }

  /** The next row made; call when not empty. */
  @SuppressWarnings("unchecked")
  T take() {
    Object row = rows[at];
    rows[at++] = null;
    return (T) row;
  }
}
