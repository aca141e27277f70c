package dev.larder.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkFolderTest {
  @TempDir
  Path dir;

  @Test
  void removesOnlyTheFoldersOfEndedProcesses() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Path abandoned = Files.createDirectories(dir.resolve(".larder-training-" + ended.pid() + "-123"));
    Files.writeString(Files.createDirectories(abandoned.resolve("spill")).resolve("run-0"), "spilled rows");
    Path live = Files.createDirectories(dir.resolve(".larder-training-" + ProcessHandle.current().pid() + "-456"));
    Path unrelated = Files.createDirectories(dir.resolve(".larder-training-notapid"));
    Path output = Files.writeString(dir.resolve("train.parquet"), "an earlier output");

    assertThat(WorkFolder.removeAbandoned(dir)).isEqualTo(1);

    assertThat(abandoned).doesNotExist();
    assertThat(live).isDirectory();
    assertThat(unrelated).isDirectory();
    assertThat(output).hasContent("an earlier output");
  }

  @Test
  void aRunsFolderIsNamedAfterItsProcessAndGoneWhenClosed() throws Exception {
    Path inside;
    try (WorkFolder work = WorkFolder.create(dir)) {
      assertThat(work.path().getParent()).isEqualTo(dir);
      assertThat(work.path().getFileName().toString()).startsWith(".larder-training-" + ProcessHandle.current().pid() + "-");
      inside = Files.writeString(Files.createDirectories(work.path().resolve("parts")).resolve("part-0"), "x");
      assertThat(WorkFolder.removeAbandoned(dir)).isZero(); // its own process is alive
      assertThat(inside).exists();
    }
    assertThat(inside).doesNotExist();
    try (var left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }
}
