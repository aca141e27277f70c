package dev.larder.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.it.Dist;
import dev.larder.offline.OfflineStore;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.it.ServerHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One small sample repository built with the distribution's CLI, copied for every test that damages its copy.
 * Reliability tests share it so that each class pays for {@code sample} and {@code apply} once.
 */
final class Fixture {
  static final LocalDate END = LocalDate.now(ZoneOffset.UTC);
  static final List<String> ACTIVITY = List.of("user_activity:total_activities", "user_activity:purchase_count",
      "user_activity:total_spend");
  static final List<Long> USERS = List.of(1L, 2L, 3L, 5L, 8L, 13L, 21L, 34L, 55L, 89L, 144L, 233L);

  private Fixture() {}

  /** init + sample events/profiles + apply: a repository with sources and a registry, no computed data. */
  static Path sources(Path dir, int users, int events) throws Exception {
    String r = dir.toString();
    Dist.larder("init", r).assertOk();
    Dist.larder("sample", "events", "--out", r + "/data/events", "--users", Integer.toString(users), "--events",
        Integer.toString(events), "--days", "10", "--seed", "1", "--end", END.toString()).assertOk();
    Dist.larder("sample", "profiles", "--out", r + "/data/profiles", "--users", Integer.toString(users), "--seed", "1",
        "--end", END.toString()).assertOk();
    Dist.larder("apply", "--repo", r).assertOk();
    return dir;
  }

  static Dist.Result compute(Path repo, int days) throws Exception {
    return Dist.larder("compute", "--repo", repo.toString(), "--start", END.minusDays(days).toString(),
        "--end", END.toString(), "--step", "1d");
  }

  static String[] computeArgs(Path repo, int days) {
    return new String[] {"compute", "--repo", repo.toString(), "--start", END.minusDays(days).toString(),
        "--end", END.toString(), "--step", "1d"};
  }

  static String[] materializeArgs(Path repo, LocalDate end) {
    return new String[] {"materialize", "--repo", repo.toString(), "--start", END.minusDays(400).toString(),
        "--end", end.toString()};
  }

  static Dist.Result materialize(Path repo, LocalDate end) throws Exception {
    return Dist.larder(materializeArgs(repo, end));
  }

  static GetOnlineFeaturesResponse lookup(ServerHandle server) {
    return server.lookup(ACTIVITY, USERS);
  }

  /** Polls until the server answers {@code expected} or the timeout passes; returns the last answer. */
  static GetOnlineFeaturesResponse awaitServed(ServerHandle server, GetOnlineFeaturesResponse notThis, long millis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    GetOnlineFeaturesResponse r = lookup(server);
    while (r.equals(notThis) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      r = lookup(server);
    }
    return r;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().endsWith(".lock")) {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** Relative path -> SHA-256 of every regular file under {@code dir} (lock files and logs left out). */
  static Map<String, String> digests(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(dir)) {
      return out;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p) && !name.endsWith(".lock") && !name.endsWith(".log")) {
          out.put(dir.relativize(p).toString(), sha256(p));
        }
      }
    }
    return out;
  }

  static String sha256(Path p) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every committed snapshot of every view, as Larder's readers see it (through the views' committed manifests),
   * {@code view/asof=<micros>} -> rows read by DuckDB (created_timestamp left out).
   */
  static Map<String, List<String>> snapshotRows(Path offline) throws Exception {
    Map<String, List<String>> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (OfflineStore.Snapshot snap : committedSnapshots(offline)) {
        List<String> rows = new java.util.ArrayList<>();
        ResultSet rs = s.executeQuery("SELECT * EXCLUDE (created_timestamp) FROM read_parquet('" + snap.file() + "')");
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder b = new StringBuilder();
          for (int i = 1; i <= n; i++) {
            b.append(rs.getString(i)).append('|');
          }
          rows.add(b.toString());
        }
        rows.sort(null);
        out.put(snap.view() + "/asof=" + snap.asOf(), rows);
      }
    }
    return out;
  }

  /** The distinct created_timestamp values of all committed snapshots: one per compute run that is visible. */
  static java.util.Set<String> createdTimes(Path offline) throws Exception {
    java.util.Set<String> out = new java.util.TreeSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (OfflineStore.Snapshot snap : committedSnapshots(offline)) {
        ResultSet rs = s.executeQuery("SELECT DISTINCT epoch_us(created_timestamp) FROM read_parquet('" + snap.file() + "')");
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** The committed snapshots of every version folder of every view under the offline store. */
  static List<OfflineStore.Snapshot> committedSnapshots(Path offline) throws IOException {
    OfflineStore store = new OfflineStore(offline);
    List<OfflineStore.Snapshot> out = new java.util.ArrayList<>();
    try (Stream<Path> views = Files.list(offline)) {
      for (Path v : views.filter(Files::isDirectory).sorted().toList()) {
        String name = v.getFileName().toString();
        if (!name.startsWith("_") && !name.startsWith(".")) {
          for (long version : store.versionsWithFolders(name)) {
            out.addAll(store.snapshots(name, version));
          }
        }
      }
    }
    return out;
  }

  /** Files in date partitions that are not complete snapshots (e.g. left-over temp files). */
  static List<String> strayFiles(Path offline) throws IOException {
    List<String> stray = new java.util.ArrayList<>();
    try (Stream<Path> all = Files.walk(offline)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String rel = offline.relativize(p).toString();
        if (Files.isRegularFile(p) && rel.contains("/date=")
            && !rel.matches("[^/]+/version=\\d+/date=\\d{4}-\\d{2}-\\d{2}/asof=[^/]+\\.parquet")) {
          stray.add(rel);
        }
      }
    }
    return stray;
  }

  static void assertSameRows(Map<String, List<String>> actual, Map<String, List<String>> expected) {
    assertThat(actual.keySet()).as("snapshot files").containsExactlyElementsOf(expected.keySet());
    for (String f : expected.keySet()) {
      assertThat(actual.get(f)).as("rows of %s", f).containsExactlyElementsOf(expected.get(f));
    }
  }
}
