package dev.larder.materialize;

import dev.larder.online.OnlineLayout;
import dev.larder.online.OnlineStore;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** Kills a real materialization process (SIGKILL) at each phase and checks that the served run survives. */
class CrashSafetyTest {
  private static final int ROWS = 5_000;

  @TempDir
  Path online;

  @ParameterizedTest(name = "killed at {0}")
  @EnumSource(value = OnlineWriter.Phase.class, names = {"SPILLING", "MERGING", "INGESTING", "PUBLISHING"})
  void aKilledRunLeavesThePreviousRunServedAndTheNextRunSucceeds(OnlineWriter.Phase phase) throws Exception {
    try (OnlineWriter w = OnlineFixtures.begin(online, null, 0, OnlineFixtures.small())) {
      for (long u = 0; u < ROWS; u++) {
        w.put(new Object[] {u}, OnlineFixtures.SECOND, 0, new Object[] {u, 0.0, "served"});
      }
      w.commit();
    }
    Path versionDir = OnlineLayout.versionDir(online, OnlineFixtures.VIEW, 1);
    long served = OnlineLayout.readCurrent(versionDir).getAsLong();

    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), SlowRunMain.class.getName(),
        online.toString(), phase.name(), Integer.toString(ROWS), "crashed")
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("PHASE " + phase)) {
        // wait for the child to reach the phase
      }
      assertThat(line).as("child reached phase " + phase).isEqualTo("PHASE " + phase);
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }

    assertThat(OnlineLayout.readCurrent(versionDir)).hasValue(served);
    try (OnlineStore store = OnlineStore.openForReading(online, OnlineFixtures.small())) {
      for (long u : new long[] {0, 1234, ROWS - 1}) {
        assertThat(OnlineFixtures.read(store, u)).containsExactly(u, 0.0, "served");
      }
      try (OnlineWriter w = OnlineFixtures.begin(online, null, 0, OnlineFixtures.small())) {
        w.put(new Object[] {7L}, 2 * OnlineFixtures.SECOND, 0, new Object[] {7L, 7.0, "rerun"});
        OnlineWriter.Summary s = w.commit();
        assertThat(s.entitiesTotal()).isEqualTo(ROWS);
      }
      assertThat(store.refresh()).containsExactly(OnlineFixtures.VIEW);
      assertThat(OnlineFixtures.read(store, 7)).containsExactly(7L, 7.0, "rerun");
      assertThat(OnlineFixtures.read(store, 8)).containsExactly(8L, 0.0, "served");
    }
    assertThat(OnlineLayout.runIds(versionDir)).hasSize(2).contains(served);
    assertThat(OnlineLayout.tmpIds(versionDir)).isEmpty();
  }
}
