package dev.larder.training;

import dev.larder.disk.Folders;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one hidden folder next to a training set's output that holds everything a run writes before the final
 * rename: the output being written, its encoded parts, and the join's spill files. Its name carries the
 * process id, so a later run can tell a folder left by a killed run (its process is gone) from one a
 * concurrent run is still using, and remove only the former. Deleted when the run ends, whatever the outcome.
 */
final class WorkFolder implements AutoCloseable {
  private static final String PREFIX = ".larder-training-";
  private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");

  private final Path path;

  private WorkFolder(Path path) {
    this.path = path;
  }

  /** Removes folders of runs whose process has ended, then creates this run's folder in {@code dir}. */
  static WorkFolder create(Path dir) throws IOException {
    removeAbandoned(dir);
    return new WorkFolder(Files.createTempDirectory(dir, PREFIX + ProcessHandle.current().pid() + "-"));
  }

  Path path() {
    return path;
  }

  /**
   * Deletes work folders in {@code dir} whose process is no longer running. A folder of a live process is
   * kept, even if that process is not a Larder run that reused the id: leaving litter beats deleting work.
   *
   * @return how many folders were removed
   */
  static int removeAbandoned(Path dir) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path p : entries) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p) && !running(Long.parseLong(m.group(1)))) {
          Folders.deleteTree(p);
          removed++;
        }
      }
    }
    return removed;
  }

  private static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public void close() throws IOException {
    Folders.deleteTree(path);
  }
}
