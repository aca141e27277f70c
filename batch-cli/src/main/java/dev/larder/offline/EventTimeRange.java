package dev.larder.offline;

import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;

/**
 * The rows of another reader whose event timestamp is in {@code [start, end]}: for histories whose files are
 * not cut by event time (a push view's logged pushes), so that {@link ViewHistory}'s range holds for them too.
 */
final class EventTimeRange implements RowReader {
  private final RowReader in;
  private final int column;
  private final long start;
  private final long end;

  EventTimeRange(RowReader in, int column, long start, long end) {
    this.in = in;
    this.column = column;
    this.start = start;
    this.end = end;
  }

  @Override
  public RowSchema schema() {
    return in.schema();
  }

  @Override
  public Object[] next() throws IOException {
    Object[] row;
    while ((row = in.next()) != null) {
      long t = (Long) row[column];
      if (t >= start && t <= end) {
        return row;
      }
    }
    return null;
  }

  @Override
  public String position() {
    return in.position();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
