package dev.larder.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The HTML page on its own: self-contained, drifted features first, escaped, for 100 features. */
class ReportPageTest {
  private static final long DAY = ViewStatistics.DAY;
  private static final TimeRange REF = new TimeRange(0, 20 * DAY);
  private static final TimeRange CUR = new TimeRange(21 * DAY, 27 * DAY);

  @Test
  void hundredFeaturesRenderWithDriftedFirst() {
    Random r = new Random(1);
    List<FeatureComparison> features = new ArrayList<>();
    Map<String, Report.Series> series = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      boolean text = i % 5 == 0;
      ValueType type = text ? ValueType.STRING : i % 2 == 0 ? ValueType.INT64 : ValueType.DOUBLE;
      double shift = i == 42 ? 3 : 0;
      FeatureProfile ref = profile(type, r, 0);
      FeatureProfile cur = profile(type, r, shift);
      features.add(new FeatureComparison("v", "f" + i + (i == 7 ? "<b>" : ""), type, ref, cur,
          Drift.compare(ref, cur, DriftThresholds.DEFAULT), false));
      long[] times = new long[28];
      double[] means = new double[28];
      double[] nulls = new double[28];
      for (int d = 0; d < 28; d++) {
        times[d] = d * DAY;
        means[d] = r.nextGaussian();
        nulls[d] = r.nextDouble() * 0.1;
      }
      series.put(features.get(i).feature(), new Report.Series(times, means, nulls));
    }
    Report.Model model = new Report.Model("shop", 0, REF, CUR, DriftThresholds.DEFAULT, List.of(
        new Report.ViewSection("v", "a view", true, 27 * DAY, null, 28, null, features, series)));

    // How long rendering takes is not asserted here: a unit test's timing depends on the machine's load.
    String html = ReportPage.render(model);

    assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script").doesNotContain("https://")
        .doesNotContain("f7<b>").contains("f7&lt;b&gt;").contains("last materialized up to: never");
    int summaryStart = html.indexOf("<h2>Summary</h2>");
    assertThat(html.indexOf(">f42<", summaryStart)).isLessThan(html.indexOf(">f0<", summaryStart));
    assertThat(html).containsPattern("id=\"v--f42\"");
    assertThat(html.split("<svg", -1).length - 1).isEqualTo(100 * 3);
  }

  @Test
  void viewWithoutStatisticsShowsTheProblem() {
    Report.Model model = new Report.Model("shop", 0, REF, CUR, DriftThresholds.DEFAULT, List.of(
        new Report.ViewSection("v", "", false, null, null, 0, "view 'v' has no statistics; run `larder stats`",
            List.of(), Map.of())));
    assertThat(ReportPage.render(model)).contains("class=\"problem\">view &#39;v&#39; has no statistics")
        .contains("0 of 0 features and join keys drifted");
  }

  private static FeatureProfile profile(ValueType type, Random r, double shift) {
    FeatureProfile p = new FeatureProfile(type);
    for (int i = 0; i < 2000; i++) {
      double x = r.nextGaussian() + shift;
      if (i % 50 == 0) {
        p.add(null);
      } else if (type == ValueType.STRING) {
        p.add("c" + (int) Math.abs(x * 3));
      } else if (type == ValueType.INT64) {
        p.add((long) Math.abs(x * 4));
      } else {
        p.add(x * 100);
      }
    }
    return p;
  }
}
