package dev.larder.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.it.Dist;
import dev.larder.it.ServerHandle;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline and online stores on a small tmpfs that fills up: compute and materialize must fail with a clear
 * "no space" error, leave the stores as they were, and the server must keep serving the previous data. Needs root
 * (to mount); skipped otherwise.
 */
class FullDiskIT {
  @TempDir
  static Path tmp;
  static Path disk;
  static boolean mounted;

  @BeforeAll
  static void mount() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
    disk = Files.createDirectories(tmp.resolve("disk"));
    Dist.Result r = Dist.run(30, List.of("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk.toString()));
    Assumptions.assumeTrue(r.exitCode() == 0, "mount -t tmpfs failed: " + r.stderr());
    mounted = true;
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mounted) {
      Dist.run(30, List.of("umount", "-l", disk.toString())).assertOk();
    }
  }

  @Test
  void computeAndMaterializeFailClearlyOnAFullDiskAndLoseNothing() throws Exception {
    Path repo = Fixture.sources(tmp.resolve("repo"), 300, 15_000);
    Path offline = disk.resolve("offline");
    Path online = disk.resolve("online");
    Files.writeString(repo.resolve("larder.properties"), "\noffline_store=" + offline + "\nonline_store=" + online
        + "\n", java.nio.file.StandardOpenOption.APPEND);
    Fixture.compute(repo, 3).assertOk();
    Fixture.materialize(repo, Fixture.END.minusDays(1)).assertOk();
    try (ServerHandle server = ServerHandle.start(repo)) {
      GetOnlineFeaturesResponse before = Fixture.lookup(server);
      Map<String, String> offlineBefore = Fixture.digests(offline);
      Map<String, String> onlineBefore = Fixture.digests(online);
      Path filler = disk.resolve("filler");
      fill(filler);

      Dist.Result compute = Fixture.compute(repo, 6);
      assertThat(compute.exitCode()).as("compute on a full disk; stderr:\n" + compute.stderr()).isEqualTo(1);
      assertThat(compute.stderr().toLowerCase()).as("compute names the cause").contains("no space");
      assertThat(Fixture.digests(offline)).as("snapshots after a failed compute").isEqualTo(offlineBefore);

      Dist.Result materialize = Fixture.materialize(repo, Fixture.END);
      assertThat(materialize.exitCode()).as("materialize on a full disk; stderr:\n" + materialize.stderr())
          .isEqualTo(1);
      assertThat(materialize.stderr().toLowerCase()).as("materialize names the cause").contains("no space");
      Thread.sleep(1500);
      assertThat(Fixture.lookup(server)).as("served data after the failed materialization").isEqualTo(before);
      assertThat(Fixture.digests(online).keySet()).as("no new files left in the online store")
          .isSubsetOf(onlineBefore.keySet());
      Dist.larder("online", "stats", "--repo", repo.toString()).assertOk();

      Files.delete(filler);
      Fixture.materialize(repo, Fixture.END).assertOk();
      assertThat(Fixture.awaitServed(server, before, 10_000)).as("served after space came back").isNotEqualTo(before);
      Fixture.compute(repo, 6).assertOk();
      Reliability.record("full disk during compute and materialize", 2, 2, "exit 1 '"
          + firstLine(compute.stderr()) + "' / '" + firstLine(materialize.stderr()) + "'; stores intact, served");
    }
  }

  private static void fill(Path filler) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).containsIgnoringCase("space");
    }
  }

  /** The line naming the cause, for the results table. */
  private static String firstLine(String s) {
    return s.lines().filter(l -> l.toLowerCase().contains("no space")).findFirst().orElse(s.strip());
  }
}
