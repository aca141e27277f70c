package dev.larder.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** online cleanup never follows a view folder that is a symbolic link: no lock written there, nothing removed. */
class CleanupSymlinkTest {
  @TempDir
  Path online;
  @TempDir
  Path elsewhere;

  @Test
  void aSymlinkedViewFolderIsReportedAndLeftAlone() throws Exception {
    Files.createDirectories(online);
    Path target = Files.createDirectories(elsewhere.resolve("outside").resolve("v1").resolve("run-1"));
    Files.createSymbolicLink(online.resolve("linked"), elsewhere.resolve("outside"));
    List<OnlineHousekeeping.Removal> out = OnlineHousekeeping.clean(online, Map.of(), OnlineHousekeeping.OldVersions.KEEP, false);
    assertThat(out).singleElement().satisfies(r -> {
      assertThat(r.skipped()).isTrue();
      assertThat(r.reason()).contains("symbolic link");
    });
    assertThat(target).isDirectory();
    assertThat(elsewhere.resolve("outside").resolve(".lock")).doesNotExist();
  }
}
