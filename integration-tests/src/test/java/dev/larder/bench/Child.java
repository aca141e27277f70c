package dev.larder.bench;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a measured step in a child process: wall time from fork to exit, peak RSS polled from /proc, and for
 * JVM steps the heap peak the child reports through {@link Measured}. Output goes to a log file in the work
 * directory so a failing step can be diagnosed after the run.
 */
final class Child {
  /** What the placeholder commands print; a step that prints it measures a part that is not there yet. */
  static boolean notImplemented(String output) {
    return output.contains("is not implemented yet") || output.contains("(not yet implemented)");
  }

  /**
   * What one child run cost. {@code heapPeakBytes} is -1 and {@code innerSeconds} NaN for non-JVM children;
   * {@code innerSeconds} is the time inside the step, without JVM start-up.
   */
  record Result(String name, int exitCode, double wallSeconds, double innerSeconds, long peakRssKb,
                long heapPeakBytes, Path log) {
    double heapPeakMb() {
      return heapPeakBytes < 0 ? Double.NaN : heapPeakBytes / (1024.0 * 1024.0);
    }

    double peakRssMb() {
      return peakRssKb < 0 ? Double.NaN : peakRssKb / 1024.0;
    }

    String tail() {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
      } catch (IOException e) {
        return "(no output: " + e.getMessage() + ")";
      }
    }

    /** Throws {@link NotAvailable} if the step hit a placeholder, or an exception with its output if it failed. */
    Result check() {
      if (exitCode == 0) {
        return this;
      }
      String tail = tail();
      if (notImplemented(tail)) {
        throw new NotAvailable(name + ": the command is still a placeholder in this build");
      }
      throw new IllegalStateException(name + " failed with exit code " + exitCode + " (log " + log + "):\n" + tail);
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("exit_code", exitCode);
      m.put("wall_seconds", wallSeconds);
      m.put("inner_seconds", innerSeconds);
      m.put("peak_rss_mb", peakRssMb());
      if (heapPeakBytes >= 0) {
        m.put("heap_peak_mb", heapPeakMb());
      }
      m.put("log", log.toString());
      return m;
    }
  }

  private Child() {}

  /** The java launcher and classpath of this JVM, so children run exactly the code the harness runs. */
  static List<String> javaCommand(List<String> jvmOptions, String mainClass) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    return cmd;
  }

  /** Runs {@code larder ARGS} or {@code duckdb SCRIPT} in a child JVM through {@link Measured}. */
  /**
   * Writes the page cache's dirty pages to disk before a measured step, so that no step pays for the
   * writeback of what an earlier one wrote (generating 10M events, or the other side's output): the kernel
   * flushes such pages some 30 seconds after they were written, in the middle of whichever step runs then.
   */
  private static void settleDisk() throws IOException, InterruptedException {
    try {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
    } catch (IOException e) {
      // no sync command (not a POSIX system): measure as the disk is
    }
  }

  static Result jvm(String name, Path logDir, List<String> jvmOptions, String step, List<String> args)
      throws IOException, InterruptedException {
    Path report = logDir.resolve(name + ".measure.json");
    Files.deleteIfExists(report);
    List<String> cmd = javaCommand(jvmOptions, Measured.class.getName());
    cmd.add(report.toString());
    cmd.add(step);
    cmd.addAll(args);
    settleDisk();
    Result r = process(name, logDir, cmd, null);
    long heap = -1;
    long hwm = r.peakRssKb();
    double inner = Double.NaN;
    if (Files.isRegularFile(report)) {
      JsonObject o = new Gson().fromJson(Files.readString(report), JsonObject.class);
      heap = o.get("heap_peak_bytes").getAsLong();
      hwm = Math.max(hwm, o.get("vm_hwm_kb").getAsLong());
      inner = o.get("inner_seconds").getAsDouble();
    }
    return new Result(name, r.exitCode(), r.wallSeconds(), inner, hwm, heap, r.log());
  }

  /** Runs any command, optionally with a file as its standard input, and polls its peak RSS. */
  static Result process(String name, Path logDir, List<String> command, Path stdin)
      throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    long t0 = System.nanoTime();
    Process p = pb.start();
    AtomicLong hwm = new AtomicLong(-1);
    Thread poller = pollPeakRss(p, hwm);
    int code = p.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    poller.join();
    return new Result(name, code, wall, Double.NaN, hwm.get(), -1, log);
  }

  /** Polls VmHWM (a high-water mark, so polling only loses growth in the last few milliseconds). */
  static Thread pollPeakRss(Process p, AtomicLong hwm) {
    Thread t = new Thread(() -> {
      while (p.isAlive()) {
        long kb = ProcStatus.vmHwmKb(p.pid());
        hwm.accumulateAndGet(kb, Math::max);
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "rss-poll-" + p.pid());
    t.setDaemon(true);
    t.start();
    return t;
  }
}
