package dev.larder.serving.metrics;

import java.util.Map;

/**
 * Writes the Prometheus text exposition format (version 0.0.4). The format is small and stable, so the
 * server renders it directly instead of carrying a metrics library and its registry.
 */
public final class PrometheusWriter {
  private final StringBuilder out = new StringBuilder(4096);

  /** Starts a metric family with its HELP and TYPE lines. */
  public PrometheusWriter family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  public PrometheusWriter sample(String name, Map<String, String> labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, String> l : labels.entrySet()) {
        if (!first) out.append(',');
        first = false;
        out.append(l.getKey()).append("=\"").append(escape(l.getValue())).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(format(value)).append('\n');
    return this;
  }

  /** The bucket, sum and count samples of one histogram series. */
  public PrometheusWriter histogram(String name, Map<String, String> labels, Histogram.Snapshot h) {
    for (int i = 0; i < h.cumulative().length; i++) {
      Map<String, String> withLe = new java.util.LinkedHashMap<>(labels);
      withLe.put("le", i < h.bounds().length ? format(h.bounds()[i]) : "+Inf");
      sample(name + "_bucket", withLe, h.cumulative()[i]);
    }
    sample(name + "_sum", labels, h.sum());
    return sample(name + "_count", labels, h.count());
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String format(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return java.math.BigDecimal.valueOf(v).toPlainString();
  }
}
