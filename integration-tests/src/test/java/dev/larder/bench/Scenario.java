package dev.larder.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * What every scenario shares: where it works, the seed and calendar of its generated data, the JVM options of
 * its measured children, and how its reports are printed. A scenario fills reports; an unexpected exception
 * fails only the report it happened in, {@link NotAvailable} marks it "not available".
 */
abstract class Scenario implements Callable<Integer> {
  PrintStream out = System.out;

  @Option(names = "--work", paramLabel = "DIR",
      description = "Keep the generated data, stores and logs under DIR/<scenario> (default: a temporary folder, deleted).")
  Path work;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--end", defaultValue = "2026-11-01",
      description = "Last day of generated data; snapshots end at its midnight (default: ${DEFAULT-VALUE}).")
  LocalDate end;

  @Option(names = "--child-jvm-opts", defaultValue = "-Xms2g -Xmx2g -XX:+UseParallelGC",
      description = "JVM options of measured batch steps (default: ${DEFAULT-VALUE}, as bin/larder); the heap "
          + "limit is real.")
  String childJvmOpts;

  /** Runs the scenario and returns its reports (one or more). */
  abstract List<Report> measure() throws Exception;

  @Override
  public Integer call() throws Exception {
    Machine machine = Machine.describe();
    List<Report> reports = measure();
    int code = 0;
    String loadAtEnd = Machine.currentLoad();
    boolean contended = Math.max(Machine.load1(machine.loadAverage()), Machine.load1(loadAtEnd))
        > 0.75 * machine.cores();
    for (Report r : reports) {
      if (contended) {
        r.note("load average " + machine.loadAverage() + " at start, " + loadAtEnd + " at end on "
            + machine.cores() + " cores: other processes competed for the CPU (figures measured under contention)");
      }
      r.detail("load_average_at_end", loadAtEnd);
      r.print(out, machine);
      if (r.status() == Report.Status.FAILED) {
        code = 1;
      }
    }
    out.flush();
    return code;
  }

  /** Runs {@code body} into {@code report}, turning a missing part or a failure into the report's status. */
  static Report attempt(Report report, Body body) {
    try {
      body.run(report);
    } catch (NotAvailable e) {
      report.notAvailable(e.getMessage());
    } catch (Exception e) {
      report.failed(e.toString());
      e.printStackTrace();
    }
    return report;
  }

  /** The measured part of a scenario. */
  interface Body {
    void run(Report report) throws Exception;
  }

  Instant endInstant() {
    return end.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  List<String> childJvm() {
    return childJvmOpts.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(childJvmOpts.trim().split("\\s+")));
  }

  static Report.Goal atMost(double v) {
    return Report.Goal.atMost(v);
  }

  static Report.Goal atLeast(double v) {
    return Report.Goal.atLeast(v);
  }
}
