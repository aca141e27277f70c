package dev.larder.bench;

import com.google.gson.Gson;
import dev.larder.cli.Larder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Main class of a measured child JVM: runs one step (a {@code larder} command or a DuckDB script) and writes
 * its wall time, peak heap and peak RSS to a small JSON file for the parent. Batch steps run in a child so
 * that {@code -Xmx} is a real limit and the figures are not polluted by the harness's own heap.
 *
 * <p>Usage: {@code Measured REPORT.json larder|duckdb ARGS...}
 */
public final class Measured {
  private Measured() {}

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args[0]);
    String step = args[1];
    String[] rest = Arrays.copyOfRange(args, 2, args.length);
    HeapPeak heap = HeapPeak.start();
    long t0 = System.nanoTime();
    int code = switch (step) {
      case "larder" -> Larder.run(rest);
      case "duckdb" -> DuckDbScript.run(Path.of(rest[0]));
      default -> throw new IllegalArgumentException("unknown step " + step + "; expected larder or duckdb");
    };
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("exit_code", code);
    m.put("inner_seconds", seconds);
    m.put("heap_peak_bytes", heap.peakBytes());
    m.put("vm_hwm_kb", ProcStatus.vmHwmKb(ProcessHandle.current().pid()));
    Files.writeString(report, new Gson().toJson(m));
    System.out.flush();
    System.exit(code);
  }
}
