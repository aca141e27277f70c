package dev.larder.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.DriftCommand;
import dev.larder.cli.Larder;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The running example with purchases made more frequent over the last two weeks: `larder drift` must flag
 * exactly the purchase features, and `larder report` must render in a real browser.
 */
class DriftOnRunningExampleTest {
  private static final String REFERENCE = "2026-02-01..2026-02-14";
  private static final String CURRENT = "2026-02-23..2026-03-01";

  @TempDir
  static Path dir;

  @BeforeAll
  static void createRepository() throws Exception {
    RunningExample.create(dir, 14, 1.0);
    RunningExample.run("stats", "--repo", dir.toString(), "--start", "2026-01-01", "--end", "2026-03-02");
  }

  @Test
  void driftFlagsExactlyTheShiftedFeatures() {
    StringWriter out = new StringWriter();
    CommandLine cl = Larder.commandLine();
    cl.setOut(new PrintWriter(out));
    int code = cl.execute("drift", "--repo", dir.toString(), "--reference", REFERENCE, "--current", CURRENT);
    assertThat(code).as(out.toString()).isEqualTo(DriftCommand.DRIFTED);
    Set<String> drifted = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^(\\S+)\\s+(\\S+)\\s+\\S+\\s+\\S+\\s+\\S+\\s+DRIFT$").matcher(out.toString());
    while (m.find()) {
      drifted.add(m.group(1) + ":" + m.group(2));
    }
    assertThat(drifted).as(out.toString()).containsExactly("user_activity:purchase_count",
        "user_activity:purchase_count_1d", "user_activity:total_spend");

    // two weeks before the shift: nothing drifted
    int before = Larder.commandLine().execute("drift", "--repo", dir.toString(), "--reference",
        "2026-02-01..2026-02-07", "--current", "2026-02-08..2026-02-14");
    assertThat(before).isEqualTo(Larder.OK);
  }

  @Test
  void snapshotRewrittenAfterItsStatisticsStopsDrift() throws Exception {
    var snapshot = dev.larder.offline.OfflineStore.of(dev.larder.registry.ProjectConfig.load(dir))
        .snapshots("user_activity", 1).get(3).file();
    var mtime = Files.getLastModifiedTime(snapshot);
    Files.setLastModifiedTime(snapshot, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(60)));
    try {
      StringWriter err = new StringWriter();
      CommandLine cl = Larder.commandLine();
      cl.setErr(new PrintWriter(err));
      assertThat(cl.execute("drift", "--repo", dir.toString(), "--reference", REFERENCE, "--current", CURRENT))
          .isEqualTo(Larder.FAILURE);
      assertThat(err.toString()).contains("1 snapshot(s) changed after their statistics were computed",
          "larder stats --view user_activity");
    } finally {
      Files.setLastModifiedTime(snapshot, mtime);
    }
  }

  @Test
  void reportRendersInHeadlessChromium(@TempDir Path work) throws Exception {
    Path html = work.resolve("report.html");
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime(); // not wall time: shared CI machines swing with load
    RunningExample.run("report", "--repo", dir.toString(), "--out", html.toString(), "--reference", REFERENCE,
        "--current", CURRENT);
    assertThat((threads.getCurrentThreadCpuTime() - cpu) / 1e9).isLessThan(5);
    String page = Files.readString(html);
    assertThat(page).doesNotContain("<script").doesNotContain("https://")
        .contains("purchase_count_1d", "DRIFT", "Last snapshot: 2026-03-01T00:00:00Z");
    assertThat(page.indexOf(">purchase_count<")).isLessThan(page.indexOf(">total_activities<"));

    HeadlessChromium.ensureInstalled();
    HeadlessChromium.Shot shot = HeadlessChromium.screenshot(html, work, 1280, 2000);
    assertThat(shot.consoleMessages()).isEmpty();
    BufferedImage img = ImageIO.read(shot.png().toFile());
    assertThat(img.getWidth()).isEqualTo(1280);
    assertThat(img.getHeight()).isEqualTo(2000);
    Set<Integer> colors = new HashSet<>();
    long nonWhite = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y) & 0xFFFFFF;
        colors.add(rgb);
        if (rgb != 0xFFFFFF) {
          nonWhite++;
        }
      }
    }
    assertThat(colors.size()).as("distinct colours").isGreaterThan(50);
    assertThat(nonWhite).as("non-white pixels").isGreaterThan(img.getWidth() * (long) img.getHeight() / 4 / 10);
    String keep = System.getProperty("larder.report.screenshot");
    if (keep != null) {
      Files.copy(shot.png(), Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(html, Path.of(keep).resolveSibling("report.html"), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
