package dev.larder.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one scenario run: its parameters, its figures each beside its goal, and where it ran.
 * It prints twice: a table for people and one JSON object on its own line for scripts and the smoke test,
 * so the two can never disagree.
 */
final class Report {
  /** How a scenario ended. */
  enum Status { OK, NOT_AVAILABLE, FAILED }

  /** A target a figure is held against, e.g. {@code <= 0.5} ms. */
  record Goal(boolean atMost, double target) {
    static Goal atMost(double target) {
      return new Goal(true, target);
    }

    static Goal atLeast(double target) {
      return new Goal(false, target);
    }

    boolean met(double value) {
      return atMost ? value <= target : value >= target;
    }

    @Override
    public String toString() {
      return (atMost ? "<= " : ">= ") + format(target);
    }
  }

  /** One measured number; {@code goal} is null when the figure is context (e.g. a baseline's time). */
  record Figure(String key, String label, double value, String unit, Goal goal) {}

  /** JSON has no NaN or infinity: a figure that could not be measured is written as null. */
  private static final Gson JSON = new GsonBuilder().disableHtmlEscaping().serializeNulls()
      .registerTypeAdapter(Double.class, new TypeAdapter<Double>() {
        @Override
        public void write(JsonWriter out, Double value) throws IOException {
          if (value == null || !Double.isFinite(value)) {
            out.nullValue();
          } else {
            out.value(value);
          }
        }

        @Override
        public Double read(JsonReader in) {
          throw new UnsupportedOperationException("write only");
        }
      })
      .create();

  private final String scenario;
  private final String title;
  private final Map<String, Object> params = new LinkedHashMap<>();
  private final List<Figure> figures = new ArrayList<>();
  private final Map<String, Object> details = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private Status status = Status.OK;
  private String reason;

  Report(String scenario, String title) {
    this.scenario = scenario;
    this.title = title;
  }

  String scenario() {
    return scenario;
  }

  Status status() {
    return status;
  }

  Report param(String key, Object value) {
    params.put(key, value);
    return this;
  }

  Report figure(String key, String label, double value, String unit, Goal goal) {
    figures.add(new Figure(key, label, value, unit, goal));
    return this;
  }

  Report figure(String key, String label, double value, String unit) {
    return figure(key, label, value, unit, null);
  }

  /** Raw measurements behind the figures (child processes, histograms), JSON only. */
  Report detail(String key, Object value) {
    details.put(key, value);
    return this;
  }

  Report note(String text) {
    notes.add(text);
    return this;
  }

  void notAvailable(String why) {
    status = Status.NOT_AVAILABLE;
    reason = why;
  }

  void failed(String why) {
    status = Status.FAILED;
    reason = why;
  }

  Map<String, Object> toJson(Machine machine) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", scenario);
    m.put("title", title);
    m.put("status", status.name().toLowerCase(Locale.ROOT));
    if (reason != null) {
      m.put("reason", reason);
    }
    m.put("measured_at", Instant.now().toString());
    m.put("params", params);
    Map<String, Object> f = new LinkedHashMap<>();
    for (Figure fig : figures) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("value", fig.value());
      one.put("unit", fig.unit());
      if (fig.goal() != null) {
        one.put("goal", fig.goal().toString());
        one.put("met", fig.goal().met(fig.value()));
      }
      f.put(fig.key(), one);
    }
    m.put("figures", f);
    m.put("notes", notes);
    m.put("details", details);
    m.put("machine", machine.toJson());
    return m;
  }

  void print(PrintStream out, Machine machine) {
    out.println();
    out.println("== " + scenario + ": " + title + " ==");
    if (status != Status.OK) {
      out.println((status == Status.NOT_AVAILABLE ? "not available: " : "FAILED: ") + reason);
    }
    if (!figures.isEmpty()) {
      out.printf(Locale.ROOT, "%-46s %14s %-6s %-14s %s%n", "figure", "value", "unit", "goal", "");
      for (Figure fig : figures) {
        String goal = fig.goal() == null ? "" : fig.goal().toString();
        String verdict = fig.goal() == null ? "" : fig.goal().met(fig.value()) ? "met" : "NOT MET";
        out.printf(Locale.ROOT, "%-46s %14s %-6s %-14s %s%n", fig.label(), format(fig.value()), fig.unit(), goal,
            verdict);
      }
    }
    for (String n : notes) {
      out.println("note: " + n);
    }
    out.println(JSON.toJson(toJson(machine)));
  }

  static String format(double v) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a >= 100 ? "%,.1f" : a >= 1 ? "%.2f" : "%.3f", v);
  }
}
