package dev.larder.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * quickstart.sh shows its build through .mvn/build-progress.awk: a line per module and download progress,
 * rather than nothing for minutes while a fresh machine downloads about 280 MB.
 */
class QuickstartBuildOutputTest {
  private static final Path FILTER = Path.of("..", ".mvn", "build-progress.awk");

  @Test
  void showsALinePerModuleAndDownloadProgressAndHidesTheRest() throws Exception {
    StringBuilder maven = new StringBuilder("[INFO] Scanning for projects...\n");
    for (int i = 0; i < 60; i++) {
      maven.append("[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/x/").append(i)
          .append(".jar (12 kB at 50 kB/s)\n");
    }
    maven.append("[INFO] ------------------< dev.larder:larder-common >------------------\n")
        .append("[INFO] Building Larder common semantics 0.1.0-SNAPSHOT                     [3/6]\n")
        .append("[INFO] --- compiler:3.14.1:compile (default-compile) @ larder-common ---\n")
        .append("[WARNING] a compiler warning\n")
        .append("[INFO] BUILD SUCCESS\n");
    assertThat(filter(maven.toString())).containsExactly(
        "  downloading dependencies (first build only): 1 files so far",
        "  downloading dependencies (first build only): 26 files so far",
        "  downloading dependencies (first build only): 51 files so far",
        "  building Larder common semantics 0.1.0-SNAPSHOT [3/6]",
        "[INFO] BUILD SUCCESS",
        "  downloaded 60 files");
  }

  @Test
  void errorsAreShownInFull() throws Exception {
    assertThat(filter("[INFO] Building Larder 0.1.0-SNAPSHOT [1/6]\n[ERROR] Failed to execute goal x: boom\n"
        + "[INFO] BUILD FAILURE\n")).containsExactly("  building Larder 0.1.0-SNAPSHOT [1/6]",
        "[ERROR] Failed to execute goal x: boom", "[INFO] BUILD FAILURE");
  }

  @Test
  void quickstartPipesTheBuildThroughTheFilterAndKeepsTheFullLog() throws IOException {
    String script = Files.readString(Path.of("..", "quickstart.sh"));
    assertThat(script).contains("./mvnw -B -DskipTests package 2>&1 | tee \"$log\" | awk -f .mvn/build-progress.awk")
        .doesNotContain("-q ");
  }

  private static List<String> filter(String input) throws Exception {
    assertThat(FILTER).as("the filter quickstart.sh uses").exists();
    Process p = new ProcessBuilder("awk", "-f", FILTER.toString()).redirectErrorStream(true).start();
    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().toList();
  }
}
