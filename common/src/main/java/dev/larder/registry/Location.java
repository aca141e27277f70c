package dev.larder.registry;

import java.util.Comparator;

/**
 * A place in a definitions file (1-based line and column), printed as {@code file:line:column} the way
 * compilers do, so that editors and terminals can jump to it.
 */
record Location(String file, int line, int column) implements Comparable<Location> {
  private static final Comparator<Location> ORDER = Comparator.comparing(Location::file)
      .thenComparingInt(Location::line).thenComparingInt(Location::column);

  @Override
  public int compareTo(Location o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
