package dev.larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** In a log (not a terminal), a step that took a while ends with one line saying how long it took. */
class ProgressTest {
  @Test
  void aLongStepEndsWithItsDurationAndAShortOneSaysNothing() throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (Progress quick = new Progress(err, "quick step", -1, false)) {
      quick.advance(3);
    }
    try (Progress slow = new Progress(err, "joining block 1", -1, false)) {
      slow.advance(1234);
      Thread.sleep(1100);
    }
    String log = bytes.toString(StandardCharsets.UTF_8);
    assertThat(log).doesNotContain("quick step");
    assertThat(log).matches("joining block 1: done, 1,234 in 1\\.\\ds\\R");
  }

  @Test
  void aTerminalOnlyClearsItsBar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    new Progress(err, "step", 10, true).close();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("done").startsWith("\r");
  }
}
