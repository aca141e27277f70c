package dev.larder.registry;

/**
 * One thing wrong with a repository's definitions, reported at the place the user has to edit and saying what
 * was expected. Validation collects all of them instead of stopping at the first.
 */
public record Problem(Location location, String message) implements Comparable<Problem> {
  @Override
  public int compareTo(Problem o) {
    int c = location.compareTo(o.location);
    return c != 0 ? c : message.compareTo(o.message);
  }

  @Override
  public String toString() {
    return location + ": " + message;
  }
}
