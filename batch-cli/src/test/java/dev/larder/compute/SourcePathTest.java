package dev.larder.compute;

import static dev.larder.compute.TestRepo.DAY;
import static dev.larder.compute.TestRepo.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.cli.Larder;
import dev.larder.offline.OfflineStore;
import dev.larder.registry.ProjectConfig;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Source paths at compute: symbolic links are followed, loops are refused, and no files is an error. */
class SourcePathTest {
  @TempDir
  Path dir;
  @TempDir
  Path elsewhere;

  @Test
  void aSymlinkedSourceFolderIsReadLikeTheFolderItself() throws IOException {
    ProjectConfig config = TestRepo.create(dir, TestRepo.REGISTRY);
    TestRepo.writeParquet(elsewhere.resolve("events/part-0.parquet"), TestRepo.EVENTS, TestRepo.events(5, 500, 20, 10));
    Files.createSymbolicLink(dir.resolve("data/events"), elsewhere.resolve("events"));
    Compute.Summary s = PublicationTest.run(config, false, START + 2 * DAY);
    assertThat(s.views().get(0).events()).isPositive();
    assertThat(OfflineStore.of(config).snapshots("user_activity", 1)).hasSize(1);

    // A link inside the data folder that points back up would walk for ever: it is refused by name.
    Files.createSymbolicLink(elsewhere.resolve("events/loop"), elsewhere.resolve("events"));
    assertThatThrownBy(() -> PublicationTest.run(config, false, START + 2 * DAY)).isInstanceOf(IOException.class)
        .hasMessageContaining("loop").hasMessageContaining("symbolic link");
  }

  @Test
  void aSourceMatchingNoFilesFailsNamingTheResolvedPathAndCommitsNothing() throws IOException {
    ProjectConfig config = TestRepo.create(dir, TestRepo.REGISTRY);
    Files.createDirectories(elsewhere.resolve("empty"));
    Files.createDirectories(dir.resolve("data"));
    Files.createSymbolicLink(dir.resolve("data/events"), elsewhere.resolve("empty"));
    assertThatThrownBy(() -> PublicationTest.run(config, true, START + DAY)).isInstanceOf(IOException.class)
        .hasMessageContaining("matches no data files")
        .hasMessageContaining(elsewhere.resolve("empty").toRealPath().toString());
    assertThat(OfflineStore.of(config).snapshots("user_activity", 1)).isEmpty();

    StringWriter err = new StringWriter();
    int code = ComputeRunTest.cli(err, "compute", "--repo", dir.toString(), "--view", "user_activity", "--as-of", "2026-01-02");
    assertThat(code).isEqualTo(Larder.FAILURE);
    assertThat(err.toString()).contains("matches no data files").contains("data/events");
  }
}
