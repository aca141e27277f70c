package dev.larder.compute;

import dev.larder.disk.AtomicFile;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small JSON record of one compute run of one view, written to {@code <offline>/<view>/_runs/<run>.json}
 * when the run commits: which snapshots it wrote, from how many events, and which source rows it skipped by
 * reason. It lives beside the snapshots (the '_' folder is ignored by readers) because the Parquet writer
 * does not take key-value metadata; it is what answers "were rows dropped when this snapshot was built?".
 */
final class RunRecord {
  private RunRecord() {}

  static void write(Path viewDir, String runId, String view, long created, long[] asOfs, long events,
                    long entities, long rows, Map<String, Long> skipped) throws IOException {
    StringBuilder times = new StringBuilder();
    for (long t : asOfs) {
      times.append(times.length() == 0 ? "" : ", ").append(quote(Timestamps.format(t)));
    }
    String skips = skipped.entrySet().stream()
        .map(e -> quote(e.getKey()) + ": " + e.getValue())
        .collect(Collectors.joining(", "));
    String json = "{\n"
        + "  \"run\": " + quote(runId) + ",\n"
        + "  \"view\": " + quote(view) + ",\n"
        + "  \"created_timestamp\": " + quote(Timestamps.format(created)) + ",\n"
        + "  \"as_of\": [" + times + "],\n"
        + "  \"events_read\": " + events + ",\n"
        + "  \"entities\": " + entities + ",\n"
        + "  \"rows_written\": " + rows + ",\n"
        + "  \"skipped_rows\": {" + skips + "}\n"
        + "}\n";
    AtomicFile.write(viewDir.resolve("_runs").resolve(runId + ".json"), json.getBytes(StandardCharsets.UTF_8));
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
