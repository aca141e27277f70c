package dev.larder.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Folder operations the batch runs share: every run writes into a temporary folder of its own (spill files,
 * parts, a run in progress) and removes it, or a killed run's leftover, as a whole.
 */
public final class Folders {
  private Folders() {}

  /** Deletes a folder and everything in it; a missing folder is fine. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
