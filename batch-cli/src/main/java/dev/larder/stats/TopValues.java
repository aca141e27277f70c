package dev.larder.stats;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The most frequent values of a categorical feature with bounded memory: the Misra-Gries summary with
 * {@link #CAPACITY} counters. Each kept count is at most {@code n / (CAPACITY + 1)} below the true count, and
 * counts are exact while a feature has at most {@link #CAPACITY} distinct values (booleans, tiers,
 * countries). Mergeable, so that the top values of several periods combine.
 */
final class TopValues {
  public static final int CAPACITY = 64;
  /** Longer values are cut to this many characters, so that one huge string cannot blow up the summary. */
  static final int MAX_CHARS = 120;

  private final Map<String, Long> counts = new HashMap<>();
  private long n;
  private long lost;

  public record Entry(String value, long count) {}

  public void add(String value) {
    String v = value.length() > MAX_CHARS ? value.substring(0, MAX_CHARS) : value;
    n++;
    Long c = counts.get(v);
    if (c != null) {
      counts.put(v, c + 1);
      return;
    }
    if (counts.size() < CAPACITY) {
      counts.put(v, 1L);
      return;
    }
    // Decrement every counter (and drop the new value): removes CAPACITY + 1 occurrences at once.
    lost += CAPACITY + 1;
    counts.replaceAll((key, count) -> count - 1);
    counts.values().removeIf(count -> count <= 0);
  }

  public void merge(TopValues other) {
    n += other.n;
    lost += other.lost;
    other.counts.forEach((v, c) -> counts.merge(v, c, Long::sum));
    if (counts.size() > CAPACITY) {
      long cut = counts.values().stream().sorted(Comparator.reverseOrder()).skip(CAPACITY).findFirst().orElse(0L);
      long before = counts.values().stream().mapToLong(Long::longValue).sum();
      counts.replaceAll((key, count) -> count - cut);
      counts.values().removeIf(count -> count <= 0);
      lost += before - counts.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Values counted. */
  public long count() {
    return n;
  }

  /** Whether the counts are exact (no counter was ever decremented). */
  public boolean exact() {
    return lost == 0;
  }

  /** Up to {@code limit} values, most frequent first (ties by value). */
  public List<Entry> top(int limit) {
    List<Entry> out = new ArrayList<>();
    counts.forEach((v, c) -> out.add(new Entry(v, c)));
    out.sort(Comparator.comparingLong(Entry::count).reversed().thenComparing(Entry::value));
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  /** Estimated count of one value (0 when not among the kept values). */
  public long countOf(String value) {
    return counts.getOrDefault(value, 0L);
  }

  void write(DataOutputStream out) throws IOException {
    out.writeLong(n);
    out.writeLong(lost);
    List<Entry> all = top(Integer.MAX_VALUE);
    out.writeInt(all.size());
    for (Entry e : all) {
      out.writeUTF(e.value());
      out.writeLong(e.count());
    }
  }

  static TopValues read(DataInputStream in) throws IOException {
    TopValues t = new TopValues();
    t.n = in.readLong();
    t.lost = in.readLong();
    int size = in.readInt();
    if (size < 0 || size > CAPACITY) {
      throw new IOException("corrupt top values: " + size + " entries");
    }
    for (int i = 0; i < size; i++) {
      t.counts.put(in.readUTF(), in.readLong());
    }
    return t;
  }
}
