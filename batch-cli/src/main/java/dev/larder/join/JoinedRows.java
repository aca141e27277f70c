package dev.larder.join;

import dev.larder.online.FeatureRowCodec;
import dev.larder.value.Column;
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
  private final FeatureRowCodec codec;
  private final PointInTimeJoin.Run run;
  private PointInTimeJoin.Output output;
  private long rows;

  JoinedRows(RowReader entities, List<ViewRequest> views, PointInTimeJoin.Run run) {
    this.entities = entities;
    this.views = views;
    this.schema = PointInTimeJoin.outputSchema(entities.schema(), views);
    this.codec = recordCodec(schema);
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
    return counted(output().next());
  }

  /**
   * The next row as a record of {@link #recordCodec()}, or null at the end: the form to hand to other threads,
   * one small array instead of a row of boxed values. Its event timestamp slot holds the row's number from 0.
   * Read a join's rows either with this or with {@link #next()}, not both.
   */
  public byte[] nextRecord() throws IOException {
    return counted(output().nextRecord());
  }

  /** The encoding of the rows {@link #nextRecord()} returns: the output columns' types, in {@link #schema()} order. */
  public FeatureRowCodec recordCodec() {
    return codec;
  }

  static FeatureRowCodec recordCodec(RowSchema schema) {
    return new FeatureRowCodec(schema.columns().stream().map(Column::type).toList());
  }

  private PointInTimeJoin.Output output() throws IOException {
    if (output == null) {
      output = run.start(entities);
    }
    return output;
  }

  private <T> T counted(T row) {
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
