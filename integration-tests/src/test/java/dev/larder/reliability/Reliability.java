package dev.larder.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Where the reliability tests write their figures (fault, trials, hits, outcome), one tab-separated line each, so
 * that docs/reliability.md can be filled from a run: {@code -Dlarder.results=FILE}, default
 * {@code java.io.tmpdir/larder-reliability.tsv}.
 */
final class Reliability {
  private Reliability() {}

  static synchronized void record(String fault, int trials, int hits, String outcome) {
    String line = Instant.now() + "\t" + fault + "\t" + trials + "\t" + hits + "\t" + outcome + "\n";
    System.out.print("RELIABILITY\t" + line);
    Path file = Path.of(System.getProperty("larder.results",
        Path.of(System.getProperty("java.io.tmpdir"), "larder-reliability.tsv").toString()));
    try {
      Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
