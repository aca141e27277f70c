package dev.larder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine a figure was measured on. A latency or throughput means nothing without the cores, memory,
 * JVM and load it was measured with, so every scenario's JSON carries this description.
 */
record Machine(int cores, long memoryMb, String cpuModel, String os, String jdk, String loadAverage) {

  static Machine describe() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        memInfoMb("MemTotal"),
        readCpuModel(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        currentLoad());
  }

  /** The 1, 5 and 15 minute load averages, read now: above the core count means measured under contention. */
  static String currentLoad() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The 1-minute figure of a {@link #loadAverage()} text, or -1 where /proc is not there. */
  static double load1(String loadAverage) {
    try {
      return Double.parseDouble(loadAverage.split(" ")[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", cores);
    m.put("memory_mb", memoryMb);
    m.put("cpu_model", cpuModel);
    m.put("os", os);
    m.put("jdk", jdk);
    m.put("load_average_at_start", loadAverage);
    return m;
  }

  private static String readCpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }

  private static long memInfoMb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: fall through
    }
    return Runtime.getRuntime().maxMemory() / (1024 * 1024);
  }
}
