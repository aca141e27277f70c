package dev.larder.stats;

import static dev.larder.stats.Html.escape;
import static dev.larder.stats.Svg.number;

import dev.larder.time.Timestamps;
import dev.larder.value.Values;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Renders the report {@link Report.Model} as one self-contained HTML page: inline CSS and SVG, no script, no
 * network, so that it can be mailed, archived by CI, or opened from disk. A summary table (drifted features
 * first) links to one card per feature with its numbers, its histogram over the reference, its mean and
 * null rate over time, and its drift scores coloured by threshold.
 */
public final class ReportPage {
  private static final String CSS = """
      *{box-sizing:border-box}
      body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0;background:#f6f8fa}
      header{background:#24292f;color:#fff;padding:16px 32px}
      header h1{margin:0 0 4px;font-size:22px}
      header p{margin:0;color:#d0d7de}
      main{padding:16px 32px;max-width:1400px}
      h2{margin:28px 0 4px;font-size:18px}
      .muted{color:#656d76}
      table{border-collapse:collapse;background:#fff;border:1px solid #d0d7de}
      th,td{padding:4px 10px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap}
      th{background:#f6f8fa;font-weight:600}
      td.l,th.l{text-align:left}
      .drift{background:#ffebe9;color:#a40e26;font-weight:600}
      .warn{background:#fff8c5;color:#7d4e00}
      .ok{background:#dafbe1;color:#116329}
      .skip{color:#8c959f}
      .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
      .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(590px,1fr));gap:12px;margin-top:8px}
      .card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px}
      .card.drifted{border-color:#cf222e;box-shadow:0 0 0 1px #cf222e inset}
      .card h3{margin:0 0 6px;font-size:15px}
      .card h3 small{font-weight:400;color:#656d76}
      .row{display:flex;gap:14px;align-items:flex-start}
      .numbers td,.numbers th{padding:1px 6px;font-size:12px}
      .numbers{border:none}
      .charts{display:flex;flex-direction:column;gap:2px}
      .caption{font-size:11px;color:#656d76}
      .scores{margin-top:6px;display:flex;gap:6px;flex-wrap:wrap}
      .score{border-radius:4px;padding:1px 6px;font-size:12px}
      .problem{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;border-radius:6px}
      svg text{font-size:10px;fill:#57606a}
      .legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:middle}
      """;

  private ReportPage() {}

  public static String render(Report.Model m) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Larder feature report: ").append(escape(m.project())).append("</title><style>")
        .append(CSS).append("</style></head><body>\n");
    h.append("<header><h1>Feature report: ").append(escape(m.project())).append("</h1><p>Current ")
        .append(range(m.current())).append(" compared with reference ").append(range(m.reference()))
        .append(" &middot; generated ").append(escape(Timestamps.format(m.generatedAt() / 1_000_000 * 1_000_000)))
        .append("</p></header><main>\n");
    summary(h, m);
    for (Report.ViewSection v : m.views()) {
      view(h, m, v);
    }
    h.append("</main></body></html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, Report.Model m) {
    List<FeatureComparison> all = new ArrayList<>();
    m.views().forEach(v -> all.addAll(v.features()));
    long drifted = all.stream().filter(FeatureComparison::drifted).count();
    h.append("<h2>Summary</h2><p>").append(drifted).append(" of ").append(all.size())
        .append(" features and join keys drifted. Thresholds: PSI ").append(number(m.thresholds().psi())).append(", KS ")
        .append(number(m.thresholds().ks())).append(", JS ").append(number(m.thresholds().js()))
        .append(", null rate change ").append(number(m.thresholds().nullRate())).append(".</p>\n");
    for (Report.ViewSection v : m.views()) {
      if (v.problem() != null) {
        h.append("<p class=\"problem\">").append(escape(v.problem())).append("</p>\n");
      }
    }
    all.sort(Comparator.comparing((FeatureComparison c) -> !c.drifted())
        .thenComparing(Comparator.comparingDouble(FeatureComparison::severity).reversed()));
    h.append("<table><tr><th class=\"l\">view</th><th class=\"l\">feature</th><th class=\"l\">type</th>")
        .append("<th>status</th><th>PSI</th><th>KS</th><th>JS</th><th>null rate &Delta;</th>")
        .append("<th>current mean</th><th>current null rate</th></tr>\n");
    for (FeatureComparison c : all) {
      h.append("<tr><td class=\"l\">").append(escape(c.view())).append("</td><td class=\"l\"><a href=\"#")
          .append(anchor(c)).append("\">").append(escape(c.feature())).append("</a></td><td class=\"l\">")
          .append(Values.typeName(c.type())).append(c.joinKey() ? " key" : "").append("</td><td>").append(badge(c))
          .append("</td>");
      for (DriftMetric metric : DriftMetric.values()) {
        DriftScore s = c.scores().stream().filter(x -> x.metric() == metric).findFirst().orElse(null);
        h.append(s == null ? "<td></td>" : scoreCell(s));
      }
      FeatureProfile cur = c.current();
      h.append("<td>").append(cur == null || c.joinKey() ? "–" : number(cur.mean())).append("</td><td>")
          .append(cur == null ? "–" : Svg.pct(cur.nullRate())).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void view(StringBuilder h, Report.Model m, Report.ViewSection v) {
    h.append("<h2 id=\"view-").append(escape(v.view())).append("\">").append(escape(v.view()))
        .append(" <small class=\"muted\">").append(v.aggregation() ? "aggregation view" : "passthrough view")
        .append("</small></h2><p class=\"muted\">");
    if (!v.description().isEmpty()) {
      h.append(escape(v.description())).append("<br>");
    }
    h.append(v.aggregation() ? "Last snapshot: " : "Last day with data (from statistics): ")
        .append(v.lastData() == null ? "none" : escape(Timestamps.format(v.lastData())))
        .append(" &middot; last materialized up to: ")
        .append(v.lastMaterialized() == null ? "never" : escape(Timestamps.format(v.lastMaterialized())))
        .append(" &middot; ").append(v.periods()).append(" stored periods in the charts");
    h.append("<span class=\"legend\"><span style=\"background:").append(Svg.CURRENT).append("\"></span>current")
        .append("<span style=\"border:1.5px solid ").append(Svg.REFERENCE).append("\"></span>reference</span></p>\n");
    if (v.problem() != null) {
      h.append("<p class=\"problem\">").append(escape(v.problem())).append("</p>\n");
    }
    h.append("<div class=\"grid\">\n");
    for (FeatureComparison c : v.features()) {
      card(h, m, c, v.series().get(c.feature()));
    }
    h.append("</div>\n");
  }

  private static void card(StringBuilder h, Report.Model m, FeatureComparison c, Report.Series series) {
    h.append("<div class=\"card").append(c.drifted() ? " drifted" : "").append("\" id=\"").append(anchor(c))
        .append("\"><h3>").append(escape(c.feature())).append(" <small>")
        .append(Values.typeName(c.type())).append(c.joinKey() ? ", join key: null rate only" : "").append("</small> ")
        .append(badge(c)).append("</h3>");
    h.append("<div class=\"row\"><div>");
    numbers(h, c.reference(), c.current(), !c.joinKey());
    h.append("</div><div class=\"charts\">");
    if (!c.joinKey()) {
      distribution(h, c.reference(), c.current());
    }
    if (series != null && !c.joinKey()) {
      h.append("<div class=\"caption\">mean over time</div>")
          .append(Svg.line(series.times(), series.means(), m.reference(), m.current(), "mean per period", false));
    }
    if (series != null) {
      h.append("<div class=\"caption\">null rate over time</div>")
          .append(Svg.line(series.times(), series.nullRates(), m.reference(), m.current(), "null rate per period",
              true));
    }
    h.append("</div></div><div class=\"scores\">");
    for (DriftScore s : c.scores()) {
      h.append("<span class=\"score ").append(cssClass(s)).append("\" title=\"threshold ")
          .append(number(s.threshold())).append(s.note().isEmpty() ? "" : ": " + escape(s.note())).append("\">")
          .append(s.metric().label()).append(' ')
          .append(Double.isNaN(s.score()) ? "skipped" : String.format(Locale.ROOT, "%.3f", s.score()))
          .append("</span>");
    }
    h.append("</div></div>\n");
  }

  private static void numbers(StringBuilder h, FeatureProfile ref, FeatureProfile cur, boolean distribution) {
    h.append("<table class=\"numbers\"><tr><th class=\"l\"></th><th>current</th><th>reference</th></tr>");
    row(h, "rows", ref, cur, p -> (double) p.rows());
    row(h, "null rate", ref, cur, FeatureProfile::nullRate);
    row(h, "distinct", ref, cur, p -> (double) p.distinct());
    FeatureProfile any = cur != null ? cur : ref;
    if (distribution && any != null && any.kind() == FeatureProfile.Kind.NUMERIC) {
      row(h, "mean", ref, cur, FeatureProfile::mean);
      row(h, "stddev", ref, cur, FeatureProfile::stddev);
      row(h, "min", ref, cur, FeatureProfile::min);
      row(h, "p5", ref, cur, p -> p.quantile(0.05));
      row(h, "p25", ref, cur, p -> p.quantile(0.25));
      row(h, "median", ref, cur, p -> p.quantile(0.5));
      row(h, "p75", ref, cur, p -> p.quantile(0.75));
      row(h, "p95", ref, cur, p -> p.quantile(0.95));
      row(h, "p99", ref, cur, p -> p.quantile(0.99));
      row(h, "max", ref, cur, FeatureProfile::max);
    }
    h.append("</table>");
  }

  private static void row(StringBuilder h, String label, FeatureProfile ref, FeatureProfile cur,
                          ToDoubleFunction<FeatureProfile> f) {
    h.append("<tr><td class=\"l\">").append(label).append("</td>");
    for (FeatureProfile p : new FeatureProfile[] {cur, ref}) {
      double v = p == null ? Double.NaN : f.applyAsDouble(p);
      h.append("<td>").append(label.equals("null rate") && !Double.isNaN(v) ? Svg.pct(v) : number(v)).append("</td>");
    }
    h.append("</tr>");
  }

  private static void distribution(StringBuilder h, FeatureProfile ref, FeatureProfile cur) {
    if (ref == null || cur == null || ref.kind() != cur.kind() || ref.values() == 0 || cur.values() == 0) {
      h.append("<div class=\"caption\">no distribution to compare</div>");
      return;
    }
    if (ref.kind() == FeatureProfile.Kind.NUMERIC) {
      double lo = Math.min(ref.min(), cur.min());
      double hi = Math.max(ref.quantile(0.99), cur.quantile(0.99));
      boolean clipped = hi < Math.max(ref.max(), cur.max());
      double[] edges = ValueHistogram.edges(lo, hi, ref.integral(), 24);
      boolean unitBins = ref.integral() && edges[edges.length - 1] - edges[0] == edges.length - 1;
      double first = unitBins ? edges[0] + 0.5 : edges[0];
      double last = unitBins ? edges[edges.length - 1] - 0.5 : edges[edges.length - 1];
      h.append("<div class=\"caption\">distribution").append(clipped ? " (last bin includes values above p99)" : "")
          .append("</div>").append(Svg.histogram(shares(ref, edges), shares(cur, edges), number(first),
              (clipped ? "≥ " : "") + number(last)));
    } else if (ref.kind() == FeatureProfile.Kind.CATEGORICAL) {
      Set<String> keys = new LinkedHashSet<>();
      cur.topValues(6).forEach(e -> keys.add(e.value()));
      ref.topValues(6).forEach(e -> keys.add(e.value()));
      List<String> labels = new ArrayList<>(keys).subList(0, Math.min(8, keys.size()));
      double[] r = new double[labels.size()];
      double[] c = new double[labels.size()];
      for (int i = 0; i < labels.size(); i++) {
        r[i] = (double) ref.countOf(labels.get(i)) / ref.values();
        c[i] = (double) cur.countOf(labels.get(i)) / cur.values();
      }
      h.append("<div class=\"caption\">most frequent values</div>").append(Svg.categories(labels, r, c));
    }
  }

  /** Share of the values in each bin; the first bin takes everything below, the last everything above. */
  private static double[] shares(FeatureProfile p, double[] edges) {
    double[] out = new double[edges.length - 1];
    double prev = 0;
    for (int i = 1; i < edges.length; i++) {
      double c = i == edges.length - 1 ? 1.0 : p.cdf(edges[i]);
      out[i - 1] = Math.max(0, c - prev);
      prev = Math.max(prev, c);
    }
    return out;
  }

  private static String badge(FeatureComparison c) {
    if (c.drifted()) {
      return "<span class=\"badge drift\">DRIFT</span>";
    }
    boolean allSkipped = c.scores().stream().allMatch(s -> s.status() == DriftScore.Status.SKIPPED);
    return allSkipped ? "<span class=\"badge skip\">no data</span>" : "<span class=\"badge ok\">ok</span>";
  }

  private static String scoreCell(DriftScore s) {
    return "<td class=\"" + cssClass(s) + "\" title=\"threshold " + number(s.threshold())
        + (s.note().isEmpty() ? "" : ": " + escape(s.note())) + "\">"
        + (Double.isNaN(s.score()) ? "–" : String.format(Locale.ROOT, "%.3f", s.score())) + "</td>";
  }

  /** Red above the threshold, amber above half of it, green below, grey when skipped. */
  private static String cssClass(DriftScore s) {
    return switch (s.status()) {
      case DRIFT -> "drift";
      case SKIPPED -> "skip";
      case OK -> s.score() > s.threshold() / 2 ? "warn" : "ok";
    };
  }

  private static String anchor(FeatureComparison c) {
    return escape(c.view() + "--" + c.feature());
  }

  private static String range(TimeRange r) {
    return escape(Svg.day(r.start()) + " – " + Svg.day(r.end()));
  }
}
