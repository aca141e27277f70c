package dev.larder.pointintime;

import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of a {@link PointInTimeJoin}: each entity row, in input order, followed by the features of each view
 * as of the row's time (nulls where nothing matched). The join runs when the first row is asked for, so that a
 * caller can read this on a background thread while it writes the rows.
 */
public final class JoinedRows implements RowReader {
  private final RowReader entities;
  private final List<ViewRequest> views;
  private final RowSchema schema;
  private final PointInTimeJoin.Run run;
  private PointInTimeJoin.Output output;
  private long rows;

  JoinedRows(RowReader entities, List<ViewRequest> views, PointInTimeJoin.Run run) {
    this.entities = entities;
    this.views = views;
    this.schema = PointInTimeJoin.outputSchema(entities.schema(), views);
    this.run = run;
  }

  /** Rows and matches per view, so far; complete once {@link #next()} has returned null. */
  public JoinSummary summary() {
    List<JoinSummary.ViewCount> counts = new ArrayList<>();
    long[] matched = run.matched();
    for (int v = 0; v < views.size(); v++) {
      counts.add(new JoinSummary.ViewCount(views.get(v).name(), matched[v], rows - matched[v]));
    }
    return new JoinSummary(rows, counts);
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  @Override
  public Object[] next() throws IOException {
    if (output == null) {
      output = run.start(entities);
    }
    Object[] row = output.next();
    if (row != null && (++rows & 0xFFF) == 0) {
      run.listener().advance(0x1000);
    }
    return row;
  }

  @Override
  public String position() {
    return entities.position();
  }

  /** Stops the join's threads and deletes its temporary files. */
  @Override
  public void close() throws IOException {
    try {
      run.close();
    } finally {
      entities.close();
    }
  }
}
