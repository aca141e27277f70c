package dev.larder.disk;

import java.nio.file.Path;

/**
 * Builds paths inside a store folder from names taken from definitions (view names, as-of times). Names
 * are validated identifiers when they come through the registry, but a store write must not depend on
 * every caller having validated: this is the one place that guarantees a path built from definition text
 * cannot leave the configured offline or online store.
 */
public final class StorePaths {
  private StorePaths() {}

  /**
   * {@code store/part1/part2/...}, normalized.
   *
   * @throws IllegalArgumentException naming the store and the offending parts when a part is empty, absolute,
   *     or the result would not be strictly inside {@code store} (for example through {@code ..})
   */
  public static Path inside(Path store, String... parts) {
    Path root = store.toAbsolutePath().normalize();
    Path p = root;
    for (String part : parts) {
      if (part == null || part.isEmpty() || part.indexOf('\0') >= 0 || Path.of(part).isAbsolute()) {
        throw escape(root, parts);
      }
      p = p.resolve(part);
    }
    p = p.normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw escape(root, parts);
    }
    return p;
  }

  private static IllegalArgumentException escape(Path root, String... parts) {
    return new IllegalArgumentException("refusing to write outside the store " + root + ": '"
        + String.join("/", parts) + "' is not a path inside it (check the view or source name)");
  }
}
