package dev.larder.offline;

import java.io.IOException;

/**
 * A row of a text source that cannot be used as it is (a cell that does not parse as its column's type, or
 * the wrong number of fields), as opposed to a file that cannot be read. The reader stays positioned after
 * the row, so a caller that skips bad rows ({@code --on-bad-row skip}) can go on reading.
 */
public final class BadCellException extends IOException {
  private final String column;

  /**
   * @param message names the file, the line and the column
   * @param column the column at fault, or null when the row as a whole is malformed
   */
  public BadCellException(String message, String column, Throwable cause) {
    super(message, cause);
    this.column = column;
  }

  /** The column at fault, or null when the row as a whole is malformed. */
  public String column() {
    return column;
  }
}
