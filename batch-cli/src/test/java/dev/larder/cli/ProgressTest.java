package dev.larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Progress rendering: a real bar with ETA on a terminal, plain lines in a log, counts that never pass the
 * total, and "done" lines only for steps that no failure followed.
 */
class ProgressTest {
  private static final long SECOND = 1_000_000_000L;

  /** A clock the test moves, so that no test sleeps or depends on the machine's speed. */
  private final long[] now = {0};

  private Progress step(PrintStream err, String label) {
    return new Progress(err, label, -1, false, () -> now[0]);
  }

  @Test
  void aLongStepEndsWithItsDurationOnceTheCommandSucceedsAndAShortOneSaysNothing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (Progress quick = step(err, "quick step")) {
      quick.advance(3);
    }
    try (Progress slow = step(err, "joining block 1")) {
      slow.advance(1234);
      now[0] += 1_100_000_000L;
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).as("held back until the command ends").isEmpty();
    Progress.flushPending();
    String log = bytes.toString(StandardCharsets.UTF_8);
    assertThat(log).doesNotContain("quick step");
    assertThat(log).matches("joining block 1: done, 1,234 in 1\\.1s\\R");
  }

  @Test
  void aStepFollowedByAFailureIsNotReportedAsDone() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (Progress slow = step(err, "materializing v")) {
      slow.advance(10);
      now[0] += 1_100_000_000L;
    }
    Progress.dropPending(); // what the command line does when the command fails, e.g. on a lock
    Progress.flushPending();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void theNextStepReleasesThePreviousDoneLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (Progress slow = step(err, "first")) {
      now[0] += 1_100_000_000L;
    }
    step(err, "second").close();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("first: done in 1.");
  }

  @Test
  void aTerminalBarShowsPercentCountOfTotalRateElapsedAndEta() {
    String bar = Progress.bar("sample events", 250_000, 500_000, 10 * SECOND, 100);
    assertThat(bar).startsWith("sample events [============>           ]  50% 250,000/500,000 25,000/s 0:10 ETA 0:10");
    assertThat(bar).hasSize(99);
    assertThat(Progress.bar("computing user_activity", 1234, -1, 2 * SECOND, 100))
        .startsWith("computing user_activity 1,234 617/s 0:02");
  }

  @Test
  void aCountNeverPassesItsTotal() {
    assertThat(Progress.bar("sample events", 524_288, 500_000, 10 * SECOND, 100))
        .contains("[========================] 100% 500,000/500,000").doesNotContain("524,288");
    assertThat(Progress.logLine("sample events", 20_971_520, 20_000_000, 100 * SECOND))
        .isEqualTo("sample events: 20,000,000 of 20,000,000 done (100%), 200,000/s, 100s elapsed, ETA 0:00");
  }

  @Test
  void aLongLabelIsCutToFitTheTerminal() {
    String bar = Progress.bar("x".repeat(200), 1, 2, SECOND, 80);
    assertThat(bar).hasSize(79).contains("...");
  }

  @Test
  void aTerminalClearsItsBarOnlyWhenItDrewOne() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    new Progress(err, "step", 10, true).close();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
