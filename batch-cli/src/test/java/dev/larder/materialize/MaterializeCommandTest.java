package dev.larder.materialize;

import static dev.larder.materialize.MaterializeRepo.DAY;
import static dev.larder.materialize.MaterializeRepo.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import dev.larder.core.v1.RegistryChange;
import dev.larder.core.v1.ViewState;
import dev.larder.lock.RepoLock;
import dev.larder.online.OnlineLayout;
import dev.larder.time.Timestamps;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The materialize commands end to end: CSV source, real ViewHistory, real RocksDB, real registry file. */
class MaterializeCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int larder(String... args) {
    CommandLine cl = Larder.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private static String iso(long micros) {
    return Timestamps.format(micros);
  }

  private static final String PROFILES = """
      1,2026-01-01T01:00:00Z,2026-01-01T01:00:00Z,30,Paris
      1,2026-01-01T05:00:00Z,2026-01-01T05:00:00Z,31,Lyon
      1,2026-01-02T06:00:00Z,2026-01-02T06:00:00Z,32,Nice
      2,2026-01-01T02:00:00Z,2026-01-01T02:00:00Z,40,Oslo
      2,2026-01-01T02:00:00Z,2026-01-01T03:00:00Z,41,Bergen
      3,2025-12-28T00:00:00Z,,50,Rome
      """;

  @Test
  void materializesTheLatestRowInTheIntervalAndIncrementalContinuesFromItsEnd() throws Exception {
    MaterializeRepo repo = MaterializeRepo.create(dir, PROFILES);
    assertThat(larder("materialize", "--repo", dir.toString(), "--start", iso(START), "--end", iso(START + DAY),
        "--view", "profile")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("profile v1 [2026-01-01T00:00:00Z, 2026-01-02T00:00:00Z]: 4 rows read, "
        + "2 entities written, 0 skipped as older").contains("materialized 1 view(s)");
    assertThat(repo.profile(1)).containsExactly(31L, "Lyon");
    assertThat(repo.profile(2)).containsExactly(41L, "Bergen");
    assertThat(repo.profile(3)).isNull();

    ViewState state = repo.registry().getViewStatesOrThrow("profile");
    assertThat(state.getMaterializedList()).hasSize(1);
    assertThat(Timestamps.fromProto(state.getMaterialized(0).getStart())).isEqualTo(START);
    assertThat(Timestamps.fromProto(state.getMaterialized(0).getEnd())).isEqualTo(START + DAY);
    assertThat(repo.registry().getVersion()).isEqualTo(2);
    RegistryChange change = repo.registry().getVersions(repo.registry().getVersionsCount() - 1).getChanges(0);
    assertThat(change.getKind()).isEqualTo(RegistryChange.Kind.MATERIALIZED);
    assertThat(change.getName()).isEqualTo("profile");

    assertThat(larder("materialize-incremental", "--repo", dir.toString(), "--end", iso(START + 2 * DAY),
        "--view", "profile")).as(err.toString()).isZero();
    assertThat(repo.profile(1)).containsExactly(32L, "Nice");
    assertThat(repo.profile(2)).containsExactly(41L, "Bergen");
    state = repo.registry().getViewStatesOrThrow("profile");
    assertThat(state.getMaterializedList()).hasSize(2);
    assertThat(Timestamps.fromProto(state.getMaterialized(1).getStart())).isEqualTo(START + DAY);

    assertThat(larder("materialize-incremental", "--repo", dir.toString(), "--end", iso(START + 2 * DAY),
        "--view", "profile")).isZero();
    assertThat(out.toString()).contains("profile v1: nothing to do (already materialized up to 2026-01-03T00:00:00Z)");
  }

  @Test
  void anIntervalWithoutRowsRecordsNothingWarnsAndExitsFourSoThatLaterDataIsNotSkipped() throws Exception {
    MaterializeRepo repo = MaterializeRepo.create(dir, PROFILES);
    // 2026-01-10..11: no profile rows yet (they are all before 2026-01-03)
    assertThat(larder("materialize", "--repo", dir.toString(), "--start", iso(START + 9 * DAY),
        "--end", iso(START + 10 * DAY), "--view", "profile")).as(err.toString()).isEqualTo(Larder.EMPTY);
    assertThat(err.toString()).contains("warning: profile v1 [2026-01-10T00:00:00Z, 2026-01-11T00:00:00Z]: "
        + "no rows with event_timestamp in the interval; nothing published or recorded (its source has none yet, "
        + "or pass --allow-empty)");
    assertThat(repo.registry().getVersion()).as("nothing recorded").isEqualTo(1);
    assertThat(repo.registry().getViewStatesOrThrow("profile").getMaterializedList()).isEmpty();
    assertThat(repo.profile(1)).as("nothing published").isNull();

    // rows for that interval arrive later; an incremental run must still see them
    Files.writeString(dir.resolve("data/profiles.csv"), "1,2026-01-10T12:00:00Z,2026-01-10T12:00:00Z,33,Metz\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(larder("materialize-incremental", "--repo", dir.toString(), "--end", iso(START + 10 * DAY),
        "--view", "profile")).as(err.toString()).isZero();
    assertThat(repo.profile(1)).containsExactly(33L, "Metz");

    // --allow-empty keeps the old behaviour: an empty interval is published and recorded, exit 0
    err.getBuffer().setLength(0);
    assertThat(larder("materialize-incremental", "--repo", dir.toString(), "--end", iso(START + 11 * DAY),
        "--view", "profile")).isEqualTo(Larder.EMPTY);
    long before = repo.registry().getVersion();
    assertThat(larder("materialize-incremental", "--repo", dir.toString(), "--end", iso(START + 11 * DAY),
        "--view", "profile", "--allow-empty")).as(err.toString()).isZero();
    assertThat(repo.registry().getVersion()).isEqualTo(before + 1);
    assertThat(repo.profile(1)).containsExactly(33L, "Metz");
  }

  @Test
  void materializesEveryOnlineViewIntoItsVersionFolderAndReportsStats() throws Exception {
    MaterializeRepo repo = MaterializeRepo.create(dir, PROFILES);
    assertThat(larder("materialize-incremental", "--repo", dir.toString(), "--end", iso(START + DAY)))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("profile v1").contains("local v3").doesNotContain("offline_only")
        .contains("materialized 2 view(s)");
    Path online = repo.config.onlineDir();
    assertThat(OnlineLayout.readCurrent(OnlineLayout.versionDir(online, "local", 3))).isPresent();
    assertThat(Files.exists(online.resolve("offline_only"))).isFalse();

    Files.createDirectories(online.resolve("gone/v1/run-1"));
    out.getBuffer().setLength(0);
    assertThat(larder("online", "stats", "--repo", dir.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("profile\\s+v1\\s+\\d+\\s+2 ")
        .containsPattern("local\\s+v3\\s+\\d+\\s+2 ").contains("gone (stale)");
    out.getBuffer().setLength(0);
    assertThat(larder("online", "stats", "--repo", dir.toString(), "--output", "json")).isZero();
    assertThat(out.toString()).contains("\"view\": \"profile\"").contains("\"entities\": 2.0");

    out.getBuffer().setLength(0);
    assertThat(larder("online", "cleanup", "--repo", dir.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("removed " + online.resolve("gone/v1")).contains("removed 1 folder(s)");
    assertThat(Files.exists(online.resolve("gone/v1"))).isFalse();
    assertThat(repo.profile(2)).containsExactly(41L, "Bergen");
  }

  @Test
  void cleanupKeepsOlderVersionsUnlessAskedAndNeverTheOneServedInsteadOfTheCurrent() throws Exception {
    MaterializeRepo repo = MaterializeRepo.create(dir, PROFILES);
    Path online = repo.config.onlineDir();
    // local is at version 3 in the registry; versions 1 and 2 were replaced 400 days and one hour ago.
    dev.larder.core.v1.Registry reg = repo.registry();
    long now = Timestamps.toMicros(java.time.Instant.now());
    dev.larder.core.v1.ViewState local = reg.getViewStatesOrThrow("local").toBuilder()
        .addPreviousVersions(dev.larder.core.v1.ViewVersionRecord.newBuilder().setVersion(1).setUntilRegistryVersion(2)
            .setView(reg.getFeatureViewsList().stream().filter(v -> v.getName().equals("local")).findFirst().orElseThrow()))
        .addPreviousVersions(dev.larder.core.v1.ViewVersionRecord.newBuilder().setVersion(2).setUntilRegistryVersion(3)
            .setView(reg.getFeatureViewsList().stream().filter(v -> v.getName().equals("local")).findFirst().orElseThrow()))
        .build();
    dev.larder.registry.RegistryFile.write(repo.config.registryPath(), reg.toBuilder().putViewStates("local", local)
        .addVersions(dev.larder.core.v1.RegistryVersion.newBuilder().setVersion(2)
            .setAppliedAt(Timestamps.toProto(now - 400 * DAY)))
        .addVersions(dev.larder.core.v1.RegistryVersion.newBuilder().setVersion(3)
            .setAppliedAt(Timestamps.toProto(now - 3_600_000_000L)))
        .build());
    for (long v = 1; v <= 2; v++) {
      Path versionDir = OnlineLayout.versionDir(online, "local", v);
      Files.createDirectories(OnlineLayout.runDir(versionDir, 1));
      OnlineLayout.writeCurrent(versionDir, 1);
    }
    Path v1 = OnlineLayout.versionDir(online, "local", 1);
    Path v2 = OnlineLayout.versionDir(online, "local", 2);

    // Version 3 has no data yet: servers answer from version 2, which nothing removes.
    assertThat(larder("online", "cleanup", "--repo", dir.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("removed 0 folder(s)");
    assertThat(v1).exists();
    out.getBuffer().setLength(0);
    assertThat(larder("online", "stats", "--repo", dir.toString())).isZero();
    assertThat(out.toString()).containsPattern("local\\s+v1 ").containsPattern("local\\s+v2 ").doesNotContain("stale");
    assertThat(larder("online", "cleanup", "--repo", dir.toString(), "--old-versions")).isZero();
    assertThat(v1).doesNotExist();
    assertThat(v2).exists();

    // Once version 3 has data, version 2 goes after its retention period, or when asked.
    assertThat(larder("materialize-incremental", "--repo", dir.toString(), "--end", iso(START + DAY), "--view", "local"))
        .as(err.toString()).isZero();
    assertThat(OnlineLayout.readCurrent(OnlineLayout.versionDir(online, "local", 3))).isPresent();
    assertThat(larder("online", "cleanup", "--repo", dir.toString(), "--keep-old-versions-for", "1d")).isZero();
    assertThat(v2).exists();
    out.getBuffer().setLength(0);
    assertThat(larder("online", "cleanup", "--repo", dir.toString(), "--keep-old-versions-for", "30m")).isZero();
    assertThat(out.toString()).contains("removed " + v2 + " (older version of view 'local' (the registry's is 3),"
        + " replaced more than 30m ago)");
    assertThat(v2).doesNotExist();
    assertThat(OnlineLayout.readCurrent(OnlineLayout.versionDir(online, "local", 3))).isPresent();
  }

  @Test
  void aBadRowFailsNamingFileRowAndKeyAndPublishesNothing() throws Exception {
    MaterializeRepo repo = MaterializeRepo.create(dir, PROFILES + ",2026-01-01T04:00:00Z,,1,Nowhere\n");
    assertThat(larder("materialize", "--repo", dir.toString(), "--start", iso(START), "--end", iso(START + DAY),
        "--view", "profile")).isEqualTo(Larder.FAILURE);
    assertThat(err.toString()).contains("profiles.csv").contains("join key 'user_id' is null")
        .contains("the served data of view 'profile' is unchanged");
    assertThat(repo.profile(1)).isNull();
    assertThat(repo.registry().getVersion()).isEqualTo(1);
  }

  @Test
  @SuppressWarnings("try") // the lock is held for the block's duration, not used in it
  void refusesUsageErrorsAndAConcurrentRun() throws Exception {
    MaterializeRepo repo = MaterializeRepo.create(dir, PROFILES);
    assertThat(larder("materialize", "--repo", dir.toString(), "--start", iso(START), "--end", iso(START + DAY),
        "--view", "offline_only")).isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("feature view 'offline_only' is not online");
    assertThat(larder("materialize", "--repo", dir.toString(), "--start", iso(START), "--end", iso(START + DAY),
        "--view", "nope")).isEqualTo(Larder.USAGE);
    assertThat(larder("materialize", "--repo", dir.toString(), "--start", iso(START + DAY), "--end", iso(START)))
        .isEqualTo(Larder.USAGE);
    assertThat(err.toString()).contains("is after --end");
    assertThat(larder("materialize", "--repo", dir.toString(), "--start", "yesterday", "--end", iso(START)))
        .isEqualTo(Larder.USAGE);

    Path lock = repo.config.onlineDir().resolve("profile/.lock");
    try (RepoLock held = RepoLock.acquire(lock, "test")) {
      assertThat(larder("materialize", "--repo", dir.toString(), "--start", iso(START), "--end", iso(START + DAY),
          "--view", "profile")).isEqualTo(Larder.FAILURE);
    }
    assertThat(err.toString()).contains("another run holds the lock for online materialization of view 'profile'");
  }
}
