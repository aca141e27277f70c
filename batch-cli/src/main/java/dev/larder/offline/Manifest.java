package dev.larder.offline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The complete list of one view's committed snapshots after one compute run: the offline store's table of
 * contents. Readers take the view's snapshots from its newest committed manifest (see {@link CommitLog}),
 * never from a folder listing, so files of a run that has not committed are invisible to them wherever they
 * are. Stored as {@code <view>/_manifests/m-<sequence>.txt}, a small text file:
 *
 * <pre>
 *   larder-offline-manifest 1
 *   view user_activity
 *   sequence 7
 *   run 2026-12-07T22-54-10.123456Z-pid4242
 *   snapshot 1793404800000000 date=2026-10-30/asof=2026-10-30T00-00-00Z.c7.parquet 182734 5000
 *   ...
 *   end 30 1a2b3c4d
 * </pre>
 *
 * A snapshot line is the as-of time (micros UTC), the file relative to the view folder, its size in bytes and its rows;
 * the end line repeats the number of snapshots and holds the CRC32C of every byte before it, so that a
 * truncated or edited manifest is refused rather than read as a shorter history.
 *
 * @param snapshots ascending by as-of time, one per time
 */
public record Manifest(String view, long sequence, String run, List<Entry> snapshots) {
  static final String HEADER = "larder-offline-manifest 1";

  /** One committed snapshot: its as-of time, its file relative to the view folder, its size and rows. */
  public record Entry(long asOf, String file, long bytes, long rows) {}

  public Manifest {
    snapshots = List.copyOf(snapshots);
  }

  String encode() {
    StringBuilder b = new StringBuilder(HEADER).append('\n')
        .append("view ").append(view).append('\n')
        .append("sequence ").append(sequence).append('\n')
        .append("run ").append(run).append('\n');
    for (Entry e : snapshots) {
      b.append("snapshot ").append(e.asOf()).append(' ').append(e.file()).append(' ').append(e.bytes())
          .append(' ').append(e.rows()).append('\n');
    }
    String crc = crc(b.toString());
    return b.append("end ").append(snapshots.size()).append(' ').append(crc).append('\n').toString();
  }

  /**
   * Parses a manifest read from {@code source}.
   *
   * @throws IOException naming the file and line when it is truncated, corrupt or not a manifest
   */
  static Manifest decode(Path source, String text) throws IOException {
    String[] lines = text.split("\n", -1);
    int end = text.lastIndexOf("\nend ");
    if (!text.startsWith(HEADER + "\n") || end < 0 || !text.endsWith("\n") || lines.length < 6) {
      throw bad(source, "not a complete manifest (no header or no end line)");
    }
    String[] endLine = lines[lines.length - 2].split(" ");
    if (endLine.length != 3 || !endLine[2].equals(crc(text.substring(0, end + 1)))) {
      throw bad(source, "the checksum on the end line does not match (the file is corrupt or was edited)");
    }
    String view = field(source, lines, 1, "view");
    long sequence = number(source, field(source, lines, 2, "sequence"), 3);
    String run = field(source, lines, 3, "run");
    List<Entry> entries = new ArrayList<>();
    for (int i = 4; i < lines.length - 2; i++) {
      String[] p = lines[i].split(" ");
      if (p.length != 5 || !p[0].equals("snapshot") || !isSnapshotPath(p[2])) {
        throw bad(source, "line " + (i + 1) + ": expected 'snapshot <as-of micros> <file> <bytes> <rows>'");
      }
      entries.add(new Entry(number(source, p[1], i + 1), p[2], number(source, p[3], i + 1),
          number(source, p[4], i + 1)));
    }
    if (number(source, endLine[1], lines.length - 1) != entries.size()) {
      throw bad(source, "the end line counts " + endLine[1] + " snapshots, the file has " + entries.size());
    }
    return new Manifest(view, sequence, run, entries);
  }

  private static String field(Path source, String[] lines, int i, String name) throws IOException {
    if (!lines[i].startsWith(name + " ") || lines[i].length() == name.length() + 1) {
      throw bad(source, "line " + (i + 1) + ": expected '" + name + " ...'");
    }
    return lines[i].substring(name.length() + 1);
  }

  private static long number(Path source, String s, int line) throws IOException {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw bad(source, "line " + line + ": '" + s + "' is not a number");
    }
  }

  static String crc(String s) {
    CRC32C c = new CRC32C();
    c.update(s.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().toHexDigits((int) c.getValue());
  }

  static IOException bad(Path source, String why) {
    return new IOException(source + ": not a valid offline-store manifest: " + why);
  }

  /**
   * Whether a manifest may name this file: a {@code date=.../asof=...} file of its version folder, or, for a
   * snapshot kept from a store before versions, one of the view folder ({@code ../date=.../asof=...}). Nothing
   * else, so that a tampered manifest cannot point a reader anywhere on the disk.
   */
  static boolean isSnapshotPath(String file) {
    String rest = file.startsWith("../") ? file.substring(3) : file;
    return rest.matches("date=[^/]+/asof=[^/]+\\.parquet") && !rest.contains("..");
  }
}
