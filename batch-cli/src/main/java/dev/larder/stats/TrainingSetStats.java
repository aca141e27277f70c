package dev.larder.stats;

import dev.larder.offline.OfflineStore;
import dev.larder.offline.TableFiles;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The statistics of a produced training set, written beside it, so that the data a model was trained on
 * can later be compared with what it is served. Every column except {@code event_timestamp} is profiled as
 * one period spanning the set's event timestamps, in the same file format as the offline store's statistics
 * (view name: the training set file's name).
 */
public final class TrainingSetStats {
  private TrainingSetStats() {}

  /** The conventional place for a training set's statistics: {@code <file>.stats.parquet}. */
  public static Path defaultOut(Path trainingSetFile) {
    return trainingSetFile.resolveSibling(trainingSetFile.getFileName() + ".stats.parquet");
  }

  /**
   * Profiles every column of {@code trainingSetFile} (Parquet or CSV, a file or folder) in one streaming pass
   * and writes the statistics to {@code outFile} (replaced if it exists).
   *
   * @return the statistics written
   */
  public static PeriodStats write(Path trainingSetFile, Path outFile) throws IOException {
    PeriodStats stats;
    try (RowReader in = TableFiles.open(trainingSetFile, null)) {
      List<String> columns = in.schema().columns().stream().map(Column::name)
          .filter(c -> !c.equals(OfflineStore.EVENT_TIMESTAMP)).toList();
      int ts = in.schema().indexOf(OfflineStore.EVENT_TIMESTAMP);
      RowProfiler profiler = new RowProfiler(in.schema(), columns);
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (Object[] row; (row = in.next()) != null; ) {
        profiler.add(row);
        if (ts >= 0 && row[ts] instanceof Long t) {
          first = Math.min(first, t);
          last = Math.max(last, t);
        }
      }
      if (first > last) {
        first = 0;
        last = 0;
      }
      stats = profiler.toStats(trainingSetFile.getFileName().toString(), first, last);
    }
    Path tmp = outFile.resolveSibling(outFile.getFileName() + ".tmp");
    try {
      StatsStore.writeFile(tmp, List.of(stats));
      Files.move(tmp, outFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return stats;
  }
}
