package dev.larder.bench;

import java.nio.file.Path;
import java.time.LocalDate;
import picocli.CommandLine.Option;

/**
 * The running example's data at a chosen scale, made by {@code larder sample} exactly as the quickstart makes
 * it: events and profiles in the repository's {@code data/} folder where the example's sources point.
 */
final class SampleData {
  @Option(names = "--events", defaultValue = "10000000", description = "Sample events (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--users", defaultValue = "1000000", description = "Sample users (default: ${DEFAULT-VALUE}).")
  long users;

  @Option(names = "--days", defaultValue = "60", description = "Days the events span (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--snapshots", defaultValue = "30", description = "Daily snapshots (as-of times) (default: ${DEFAULT-VALUE}).")
  int snapshots;

  /** Creates the example repository with events and profiles and applies it. Returns the seconds it took. */
  double create(Workspace ws, long seed, LocalDate end) {
    long t0 = System.nanoTime();
    ws.init();
    String repo = ws.repo().toString();
    Workspace.larder("sample", "events", "--out", repo + "/data/events", "--users", Long.toString(users),
        "--events", Long.toString(events), "--days", Integer.toString(days), "--seed", Long.toString(seed),
        "--end", end.toString());
    Workspace.larder("sample", "profiles", "--out", repo + "/data/profiles", "--users", Long.toString(users),
        "--seed", Long.toString(seed), "--end", end.toString());
    ws.apply();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Entity rows (labels) for training sets, spread over the snapshot days. */
  static Path labels(Workspace ws, long users, long rows, int days, long seed, LocalDate end) {
    Path out = ws.path("labels-" + rows + ".parquet");
    Workspace.larder("sample", "labels", "--out", out.toString(), "--users", Long.toString(users),
        "--rows", Long.toString(rows), "--days", Integer.toString(days), "--seed", Long.toString(seed + 1),
        "--end", end.toString());
    return out;
  }

  void describe(Report r) {
    r.param("events", events).param("users", users).param("days", days).param("snapshots", snapshots);
  }
}
