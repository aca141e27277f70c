package dev.larder.spark;

import java.io.Serializable;
import java.util.Comparator;

/**
 * A piece of one output row of a training set: the entity row itself ({@code view == -1}) or one view's features
 * for it (null values: no match). Sorted by row number, then view, pieces of a row arrive together, in output
 * column order.
 */
record RowPart(long row, int view) implements Serializable {
  static final Comparator<RowPart> ORDER = new Order();

  private static final class Order implements Comparator<RowPart>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(RowPart a, RowPart b) {
      int c = Long.compare(a.row, b.row);
      return c != 0 ? c : Integer.compare(a.view, b.view);
    }
  }
}
