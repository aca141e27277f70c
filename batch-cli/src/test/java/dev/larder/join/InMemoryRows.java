package dev.larder.join;

import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.util.ArrayList;
import java.util.List;

/** Rows held in a list, readable any number of times; for tests of code that takes a {@link RowSource}. */
public final class InMemoryRows implements RowSource {
  private final RowSchema schema;
  private final List<Object[]> rows;

  public InMemoryRows(List<Column> columns, List<Object[]> rows) {
    this.schema = new RowSchema(columns);
    this.rows = new ArrayList<>(rows);
  }

  public RowSchema schema() {
    return schema;
  }

  public List<Object[]> rows() {
    return rows;
  }

  @Override
  public RowReader open() {
    return new RowReader() {
      private int next;

      @Override
      public RowSchema schema() {
        return schema;
      }

      @Override
      public Object[] next() {
        return next < rows.size() ? rows.get(next++).clone() : null;
      }

      @Override
      public String position() {
        return "memory row " + next;
      }

      @Override
      public void close() {}
    };
  }
}
