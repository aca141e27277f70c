package dev.larder.stats;

import dev.larder.time.Timestamps;
import java.util.List;
import java.util.Locale;

/**
 * Small inline SVG charts for the report, drawn in Java so that the page needs no script or network:
 * overlaid histograms, paired bars for categories, and a line over time with the compared ranges shaded.
 */
final class Svg {
  static final String CURRENT = "#1f6feb";
  static final String REFERENCE = "#8c959f";

  private Svg() {}

  /** Current fractions as filled bars, reference fractions as outlined bars, on shared bins. */
  static String histogram(double[] reference, double[] current, String firstLabel, String lastLabel) {
    int w = 280;
    int h = 110;
    int bins = Math.max(reference.length, current.length);
    double top = 1e-9;
    for (int i = 0; i < bins; i++) {
      top = Math.max(top, Math.max(at(reference, i), at(current, i)));
    }
    StringBuilder s = open(w, h + 16, "histogram of the current period over the reference");
    double bw = (double) w / Math.max(1, bins);
    for (int i = 0; i < bins; i++) {
      double x = i * bw;
      double hc = at(current, i) / top * h;
      double hr = at(reference, i) / top * h;
      s.append(rect(x + 1, h - hc, Math.max(1, bw - 2), hc, CURRENT, "fill-opacity=\"0.55\""));
      if (hr > 0) {
        s.append(String.format(Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>",
            x + 1, h - hr, Math.max(1, bw - 2), hr, REFERENCE));
      }
    }
    s.append(line(0, h, w, h, "#d0d7de"));
    s.append(text(0, h + 13, firstLabel, "start"));
    s.append(text(w, h + 13, lastLabel, "end"));
    return s.append("</svg>").toString();
  }

  /** Horizontal paired bars: per label, the reference share (grey) above the current share (blue). */
  static String categories(List<String> labels, double[] reference, double[] current) {
    int w = 280;
    int row = 22;
    int labelWidth = 90;
    double top = 1e-9;
    for (int i = 0; i < labels.size(); i++) {
      top = Math.max(top, Math.max(reference[i], current[i]));
    }
    StringBuilder s = open(w, row * labels.size() + 4, "shares of the most frequent values");
    for (int i = 0; i < labels.size(); i++) {
      double y = i * row + 2;
      String label = labels.get(i).length() > 14 ? labels.get(i).substring(0, 13) + "…" : labels.get(i);
      s.append(text(labelWidth - 4, y + 13, label, "end"));
      double span = w - labelWidth - 40;
      s.append(rect(labelWidth, y, reference[i] / top * span, 8, REFERENCE, ""));
      s.append(rect(labelWidth, y + 9, current[i] / top * span, 8, CURRENT, ""));
      s.append(text(labelWidth + current[i] / top * span + 3, y + 17, pct(current[i]), "start"));
    }
    return s.append("</svg>").toString();
  }

  /**
   * A line of {@code values} over {@code times} (NaN values leave gaps), with the reference and current
   * ranges shaded.
   */
  static String line(long[] times, double[] values, TimeRange reference, TimeRange current, String title,
                     boolean fromZero) {
    int full = 280;
    int gutter = 44;
    int w = full - gutter;
    int h = 60;
    StringBuilder s = open(full, h + 16, title);
    if (times.length == 0) {
      return s.append(text(w / 2.0, h / 2.0, "no periods", "middle")).append("</svg>").toString();
    }
    long t0 = Math.min(times[0], Math.min(reference.start(), current.start()));
    long t1 = Math.max(times[times.length - 1], Math.max(reference.end(), current.end()));
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo > hi) {
      return s.append(text(w / 2.0, h / 2.0, "no values", "middle")).append("</svg>").toString();
    }
    if (fromZero) {
      lo = Math.min(0, lo);
      hi = Math.max(hi, 0.05);
    }
    if (hi - lo < 1e-12) {
      double pad = Math.max(Math.abs(lo) * 0.1, 0.5);
      lo -= pad;
      hi += pad;
    }
    s.append("<g transform=\"translate(").append(gutter).append(",0)\">");
    double span = Math.max(1, t1 - t0);
    for (TimeRange r : List.of(reference, current)) {
      double x0 = (Math.max(r.start(), t0) - t0) / span * w;
      double x1 = (Math.min(r.end(), t1) - t0) / span * w;
      s.append(rect(x0, 0, Math.max(2, x1 - x0), h, r == current ? "#ddf4ff" : "#f0f0f0", ""));
    }
    StringBuilder path = new StringBuilder();
    boolean pen = false;
    for (int i = 0; i < times.length; i++) {
      if (Double.isNaN(values[i])) {
        pen = false;
        continue;
      }
      double x = (times[i] - t0) / span * w;
      double y = h - 4 - (values[i] - lo) / (hi - lo) * (h - 8);
      path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
      pen = true;
    }
    s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(CURRENT)
        .append("\" stroke-width=\"1.5\"/>");
    s.append(text(-4, 10, fromZero ? pct(hi) : number(hi), "end"));
    s.append(text(-4, h - 2, fromZero ? pct(lo) : number(lo), "end"));
    s.append(text(0, h + 13, day(t0), "start"));
    s.append(text(w, h + 13, day(t1), "end"));
    return s.append("</g></svg>").toString();
  }

  private static StringBuilder open(int w, int h, String title) {
    return new StringBuilder().append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w)
        .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h)
        .append("\" role=\"img\"><title>").append(Html.escape(title)).append("</title>");
  }

  private static String rect(double x, double y, double w, double h, String fill, String extra) {
    return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" %s/>",
        x, y, Math.max(0, w), Math.max(0, h), fill, extra);
  }

  private static String line(double x0, double y0, double x1, double y1, String color) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
        x0, y0, x1, y1, color);
  }

  private static String text(double x, double y, String text, String anchor) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
        Html.escape(text));
  }

  private static double at(double[] a, int i) {
    return i < a.length ? a[i] : 0;
  }

  static String pct(double f) {
    return String.format(Locale.ROOT, f < 0.1 && f > 0 ? "%.1f%%" : "%.0f%%", f * 100);
  }

  static String number(double d) {
    if (Double.isNaN(d)) {
      return "–";
    }
    double a = Math.abs(d);
    if (a != 0 && (a >= 1e7 || a < 1e-3)) {
      return String.format(Locale.ROOT, "%.3g", d);
    }
    if (d == Math.rint(d)) {
      return String.format(Locale.ROOT, "%,d", (long) d);
    }
    return String.format(Locale.ROOT, a >= 100 ? "%,.1f" : "%.3f", d);
  }

  static String day(long micros) {
    return Timestamps.fromMicros(micros).toString().substring(0, 10);
  }
}
