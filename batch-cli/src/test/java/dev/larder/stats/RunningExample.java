package dev.larder.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.TableFiles;
import dev.larder.time.Timestamps;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Test fixture: the running example (`larder init`) with sample events over Jan 1 - Mar 1 2026, daily
 * snapshots of February, and purchases made more frequent in the last {@code shiftDays} days by turning
 * clicks into purchases (so that only purchase features move; every other count stays the same).
 */
final class RunningExample {
  static final String END = "2026-03-02";
  static final int USERS = 400;

  private RunningExample() {}

  static Path create(Path dir, int shiftDays, double clickToPurchase) throws IOException {
    run("init", dir.toString());
    run("sample", "events", "--out", dir.resolve("data/events").toString(), "--users", "" + USERS,
        "--events", "60000", "--days", "60", "--end", END, "--seed", "7");
    run("sample", "profiles", "--out", dir.resolve("data/profiles").toString(), "--users", "" + USERS,
        "--end", END, "--seed", "7");
    run("apply", "--repo", dir.toString());
    if (shiftDays > 0) {
      shiftPurchases(dir.resolve("data/events/part-00000.parquet"), shiftDays, clickToPurchase);
    }
    run("compute", "--repo", dir.toString(), "--start", "2026-02-01", "--end", "2026-03-01");
    return dir;
  }

  static void run(String... args) {
    assertThat(Larder.run(args)).as(String.join(" ", args)).isZero();
  }

  /** Rewrites the events file with a share of the last days' clicks turned into purchases. */
  static void shiftPurchases(Path events, int days, double share) throws IOException {
    long from = Timestamps.toMicros(Instant.parse(END + "T00:00:00Z")) - days * 86_400_000_000L;
    Path tmp = events.resolveSibling("shifted.tmp");
    SplittableRandom rnd = new SplittableRandom(99);
    try (RowReader in = TableFiles.open(events, null);
         ParquetRowWriter out = new ParquetRowWriter(tmp, in.schema())) {
      int type = in.schema().indexOf("event_type");
      int ts = in.schema().indexOf("event_timestamp");
      for (Object[] row; (row = in.next()) != null; ) {
        if ((Long) row[ts] >= from && "click".equals(row[type]) && rnd.nextDouble() < share) {
          row[type] = "purchase";
        }
        out.write(row);
      }
    }
    Files.move(tmp, events, StandardCopyOption.REPLACE_EXISTING);
  }
}
