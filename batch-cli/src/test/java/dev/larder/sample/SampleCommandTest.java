package dev.larder.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import dev.larder.offline.TableFiles;
import dev.larder.time.Timestamps;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCommandTest {
  @TempDir Path dir;

  static final long END = Timestamps.toMicros(Instant.parse("2026-11-01T00:00:00Z"));

  @Test
  void labelsRefuseAnExtensionTheyCannotWrite() {
    Path json = dir.resolve("labels.json");
    assertThat(Larder.run("sample", "labels", "--rows", "10", "--out", json.toString())).isEqualTo(Larder.USAGE);
    assertThat(json).doesNotExist();
    assertThat(Larder.run("sample", "labels", "--rows", "10", "--out", dir.resolve("labels.CSV").toString())).isZero();
    assertThat(dir.resolve("labels.CSV")).content().startsWith("user_id,event_timestamp,purchased_next_day");
  }

  @Test
  void eventsAreDeterministicRealisticAndInRange() throws IOException {
    String[] args = {"sample", "events", "--users", "500", "--events", "20000", "--days", "7", "--seed", "3",
        "--end", "2026-11-01", "--files", "2", "--out"};
    assertThat(Larder.run(concat(args, dir.resolve("a").toString()))).isZero();
    assertThat(Larder.run(concat(args, dir.resolve("b").toString()))).isZero();
    for (String part : List.of("part-00000.parquet", "part-00001.parquet")) {
      assertThat(Files.readAllBytes(dir.resolve("a").resolve(part)))
          .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(part)));
    }
    Map<String, Integer> types = new HashMap<>();
    Map<Long, Integer> perUser = new HashMap<>();
    Set<String> sessions = new HashSet<>();
    long n = 0;
    try (RowReader r = TableFiles.open(dir.resolve("a"), null)) {
      assertThat(r.schema()).isEqualTo(EventGenerator.SCHEMA);
      for (Object[] row; (row = r.next()) != null; n++) {
        long user = (Long) row[0];
        assertThat(user).isBetween(1L, 500L);
        assertThat((String) row[2]).matches("p\\d{6}");
        assertThat((Double) row[4]).isPositive();
        assertThat((Long) row[5]).isBetween(END - 7 * 86_400_000_000L, END - 1);
        types.merge((String) row[3], 1, Integer::sum);
        perUser.merge(user, 1, Integer::sum);
        sessions.add((String) row[1]);
      }
    }
    assertThat(n).isEqualTo(20000);
    // funnel: views > clicks > purchases > 0
    assertThat(types.get("view")).isGreaterThan(types.get("click"));
    assertThat(types.get("click")).isGreaterThan(types.get("purchase"));
    assertThat(types.get("purchase")).isPositive();
    // skew: the busiest user has far more events than the median user
    List<Integer> counts = perUser.values().stream().sorted().toList();
    assertThat(counts.get(counts.size() - 1)).isGreaterThan(10 * counts.get(counts.size() / 2));
    assertThat(sessions.size()).isBetween(1000, 10000);
  }

  @Test
  void profilesHaveSomeSecondVersions() throws IOException {
    assertThat(Larder.run("sample", "profiles", "--users", "1000", "--seed", "1", "--end", "2026-11-01",
        "--out", dir.toString())).isZero();
    Map<Long, Integer> versions = new HashMap<>();
    try (RowReader r = TableFiles.open(dir.resolve("profiles.parquet"), null)) {
      assertThat(r.schema()).isEqualTo(ProfileGenerator.SCHEMA);
      for (Object[] row; (row = r.next()) != null; ) {
        versions.merge((Long) row[0], 1, Integer::sum);
        assertThat((String) row[3]).isIn("free", "plus", "pro");
        assertThat((Long) row[5]).isGreaterThanOrEqualTo((Long) row[4]);
        assertThat((Long) row[4]).isLessThan(END);
      }
    }
    assertThat(versions).hasSize(1000);
    assertThat(versions.values().stream().filter(v -> v == 2).count()).isBetween(20L, 100L);
  }

  @Test
  void labelsAsCsvAndParquetHoldTheSameRows() throws IOException {
    for (String f : List.of("labels.csv", "labels.parquet")) {
      assertThat(Larder.run("sample", "labels", "--users", "100", "--rows", "300", "--days", "3", "--seed", "9",
          "--end", "2026-11-01", "--out", dir.resolve(f).toString())).isZero();
    }
    List<String> csv = text(dir.resolve("labels.csv"));
    assertThat(csv).hasSize(300).isEqualTo(text(dir.resolve("labels.parquet")));
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(Larder.run("sample", "events", "--out", dir.toString(), "--days", "0")).isEqualTo(Larder.USAGE);
    assertThat(Larder.run("sample", "events", "--out", dir.toString(), "--end", "someday")).isEqualTo(Larder.USAGE);
  }

  private static List<String> text(Path f) throws IOException {
    List<String> out = new java.util.ArrayList<>();
    try (RowReader r = TableFiles.open(f, List.of("user_id", "event_timestamp", "purchased_next_day"))) {
      for (Object[] row; (row = r.next()) != null; ) {
        out.add(java.util.Arrays.toString(row));
      }
    }
    return out;
  }

  private static String[] concat(String[] a, String b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = b;
    return out;
  }
}
