package dev.larder.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Sample data out of the box, as the README tour makes it (default history, 30 daily snapshots up to the end),
 * does not drift between the ranges `larder report` compares by default: every 30-day window of every snapshot
 * is full. With too short a history the early snapshots' windows are only partly filled, and their counts
 * look like drift.
 */
class SampleDataDriftTest {
  @TempDir
  Path dir;

  @Test
  void defaultSampleDataHasNoDriftInTheReportsDefaultRanges() {
    String repo = dir.resolve("shop").toString();
    run("init", repo);
    run("sample", "events", "--out", repo + "/data/events", "--users", "500", "--events", "60000", "--end",
        "2026-03-02", "--seed", "42");
    run("sample", "profiles", "--out", repo + "/data/profiles", "--users", "500", "--end", "2026-03-02");
    run("apply", "--repo", repo);
    run("compute", "--repo", repo, "--start", "2026-02-01", "--end", "2026-03-02", "--step", "1d");
    run("stats", "--repo", repo, "--start", "2026-02-01", "--end", "2026-03-02");
    StringWriter out = new StringWriter();
    CommandLine cl = Larder.commandLine();
    cl.setOut(new PrintWriter(out, true));
    // report's defaults: the last 7 days of stored periods against the 21 days before
    int code = cl.execute("drift", "--repo", repo, "--reference", "2026-02-03..2026-02-23",
        "--current", "2026-02-24..2026-03-02");
    assertThat(code).as(out.toString()).isEqualTo(Larder.OK);
    assertThat(out.toString()).doesNotContain("DRIFT\n");
  }

  private static void run(String... args) {
    assertThat(Larder.run(args)).as(String.join(" ", args)).isZero();
  }
}
