package dev.larder.offline;

import dev.larder.value.RowReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Test helper: drains a reader. */
final class Rows {
  private Rows() {}

  static List<Object[]> all(RowReader r) throws IOException {
    try (r) {
      List<Object[]> out = new ArrayList<>();
      for (Object[] row; (row = r.next()) != null; ) {
        out.add(row);
      }
      return out;
    }
  }

  /**
   * Rows as comparable text with the Java type of every value ({@code Long:5}, {@code byte[]:[1, 2]}), so that
   * equality covers byte arrays, NaN, -0.0, null list elements and boxed types exactly.
   */
  static List<String> text(List<Object[]> rows) {
    List<String> out = new ArrayList<>();
    for (Object[] row : rows) {
      out.add(text(java.util.Arrays.asList(row)));
    }
    return out;
  }

  static String text(Object v) {
    if (v == null) return "null";
    if (v instanceof byte[] b) return "byte[]:" + java.util.Arrays.toString(b);
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(e -> parts.add(text(e)));
      return parts.toString();
    }
    return v.getClass().getSimpleName() + ":" + v;
  }

  static List<List<Object>> lists(RowReader r) throws IOException {
    List<List<Object>> out = new ArrayList<>();
    for (Object[] row : all(r)) {
      out.add(java.util.Arrays.asList(row));
    }
    return out;
  }
}
