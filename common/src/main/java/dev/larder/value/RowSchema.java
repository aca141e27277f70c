package dev.larder.value;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ordered columns of rows passed between readers, computations and writers. Rows themselves are
 * {@code Object[]} holding values in the Java form described by {@link Values}.
 */
public final class RowSchema {
  private final List<Column> columns;
  private final Map<String, Integer> index;

  public RowSchema(List<Column> columns) {
    this.columns = List.copyOf(columns);
    this.index = new HashMap<>();
    for (int i = 0; i < this.columns.size(); i++) {
      if (index.putIfAbsent(this.columns.get(i).name(), i) != null) {
        throw new IllegalArgumentException("duplicate column '" + this.columns.get(i).name() + "'");
      }
    }
  }

  public List<Column> columns() {
    return columns;
  }

  public int size() {
    return columns.size();
  }

  public Column column(int i) {
    return columns.get(i);
  }

  /** Index of the named column, or -1. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  public boolean has(String name) {
    return index.containsKey(name);
  }

  @Override
  public String toString() {
    return columns.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowSchema s && s.columns.equals(columns);
  }

  @Override
  public int hashCode() {
    return columns.hashCode();
  }
}
