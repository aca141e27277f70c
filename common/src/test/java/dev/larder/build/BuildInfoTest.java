package dev.larder.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
  @Test
  void theBuildFillsInTheProjectVersionAndTheCommitOrUnknown() {
    BuildInfo b = BuildInfo.current();
    assertThat(b.version()).as("filtered from the pom").matches("\\d+\\.\\d+\\.\\d+.*");
    // A clone has a commit; a source tarball (no .git, or no git) builds with "unknown".
    assertThat(b.commit()).matches("[0-9a-f]{10}|unknown");
    assertThat(b.describe("larder")).startsWith("larder " + b.version() + " (commit " + b.commit());
  }

  @Test
  void emptyOrUnfilledValuesAreUnknown() {
    Properties p = new Properties();
    p.setProperty("version", "0.1.0");
    p.setProperty("commit", "");
    p.setProperty("dirty", "${larder.dirty}");
    assertThat(BuildInfo.of(p)).isEqualTo(new BuildInfo("0.1.0", "unknown", false));
    p.setProperty("commit", "${larder.commit}");
    assertThat(BuildInfo.of(p).describe("larder-server")).isEqualTo("larder-server 0.1.0 (commit unknown)");
    p.setProperty("commit", "0123456789");
    p.setProperty("dirty", "true");
    assertThat(BuildInfo.of(p).describe("larder"))
        .isEqualTo("larder 0.1.0 (commit 0123456789, with uncommitted changes)");
  }
}
