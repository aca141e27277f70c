package dev.larder.compute;

import dev.larder.offline.BadCellException;
import dev.larder.offline.SourceReaders;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Streams a view's source rows as events: checks each row (join keys and event timestamp not null, values
 * parsed as their declared types), hands bad rows to {@link BadRows}, and projects good rows onto the
 * aggregation inputs.
 *
 * <p>Files whose columns are missing or of the wrong type fail the run whatever the policy (they are not bad
 * rows but a bad file; the reader names the file and the column). Cells that do not parse (CSV) are bad rows.
 */
final class SourceEvents {
  private SourceEvents() {}

  /**
   * Reads every row of the job's source and passes the good events with {@code from <= time < until} (the
   * only ones any snapshot of the run can see) to {@code sink}.
   *
   * @return the number of good events read, including those outside the time range
   */
  static long read(ViewJob job, Path repoDir, long from, long until, BadRows bad, EventSink sink,
                   LongConsumer progress) throws IOException {
    int ts = job.timestampIndex();
    String tsName = job.source().getTimestampField();
    Object[] projected = new Object[job.inputs().size()];
    long accepted = 0;
    long sinceProgress = 0;
    try (RowReader reader = SourceReaders.open(job.source(), repoDir, job.readColumns())) {
      while (true) {
        Object[] row;
        try {
          row = reader.next();
        } catch (BadCellException e) {
          // The reader is positioned after the bad row: skipping it (or failing, per the policy) is up to us.
          bad.report(tsName.equals(e.column()) ? BadRows.BAD_TIMESTAMP : BadRows.BAD_VALUE, e.getMessage());
          continue;
        }
        if (row == null) {
          break;
        }
        int nullKey = job.nullKey(row);
        if (nullKey >= 0) {
          bad.report(BadRows.NULL_KEY, reader.position() + ", column '" + job.keyNames().get(nullKey)
              + "': join key is null");
          continue;
        }
        if (row[ts] == null) {
          bad.report(BadRows.NULL_TIMESTAMP, reader.position() + ", column '" + tsName + "': event timestamp is null");
          continue;
        }
        long time = (Long) row[ts];
        accepted++;
        if (time >= from && time < until) {
          job.inputs().project(row, projected);
          sink.accept(job.key(row), time, projected);
        }
        if (++sinceProgress == 65536) {
          progress.accept(sinceProgress);
          sinceProgress = 0;
        }
      }
    }
    progress.accept(sinceProgress);
    return accepted;
  }
}
