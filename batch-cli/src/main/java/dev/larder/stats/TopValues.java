package dev.larder.stats;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The most frequent values of a categorical feature with bounded memory: Apache DataSketches' frequent
 * items sketch ({@link ItemsSketch}, a Misra-Gries variant) with a map of {@value #MAP_SIZE} slots. Counts
 * are exact while a feature has at most {@code 0.75 * MAP_SIZE} distinct values (booleans, tiers,
 * countries); beyond that each reported count is a lower bound at most {@code 3.5 / MAP_SIZE} of the
 * values below the true count. Mergeable, so that the top values of several periods combine.
 */
final class TopValues {
  /** How many values are reported at most (drift compares this many). */
  public static final int CAPACITY = 64;
  static final int MAP_SIZE = 256;
  /** Longer values are cut to this many characters, so that one huge string cannot blow up the summary. */
  static final int MAX_CHARS = 120;
  private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

  private final ItemsSketch<String> sketch;
  /** Values the old format had dropped from its counters: counted in {@link #count()}, under no value. */
  private long carriedUncounted;

  public record Entry(String value, long count) {}

  public TopValues() {
    this(new ItemsSketch<>(MAP_SIZE), 0);
  }

  private TopValues(ItemsSketch<String> sketch, long carriedUncounted) {
    this.sketch = sketch;
    this.carriedUncounted = carriedUncounted;
  }

  public void add(String value) {
    sketch.update(value.length() > MAX_CHARS ? value.substring(0, MAX_CHARS) : value);
  }

  public void merge(TopValues other) {
    sketch.merge(other.sketch);
    carriedUncounted += other.carriedUncounted;
  }

  /** Values counted. */
  public long count() {
    return sketch.getStreamLength() + carriedUncounted;
  }

  /** Whether the counts are exact (nothing was ever dropped from the counters). */
  public boolean exact() {
    return sketch.getMaximumError() == 0 && carriedUncounted == 0;
  }

  /** Up to {@code limit} values, most frequent first (ties by value); counts are lower bounds. */
  public List<Entry> top(int limit) {
    List<Entry> out = new ArrayList<>();
    for (ItemsSketch.Row<String> row : sketch.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
      if (row.getLowerBound() > 0) {
        out.add(new Entry(row.getItem(), row.getLowerBound()));
      }
    }
    out.sort(Comparator.comparingLong(Entry::count).reversed().thenComparing(Entry::value));
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  /** Lower bound of the count of one value (0 when it is not among the kept values). */
  public long countOf(String value) {
    return sketch.getLowerBound(value);
  }

  void write(DataOutputStream out) throws IOException {
    out.writeLong(carriedUncounted);
    byte[] bytes = sketch.toByteArray(SERDE);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static TopValues read(DataInputStream in) throws IOException {
    long carried = in.readLong();
    if (carried < 0) {
      throw new IOException("corrupt top values: carried count " + carried);
    }
    byte[] bytes = Sketches.readBlock(in, "top values");
    try {
      return new TopValues(ItemsSketch.getInstance(Memory.wrap(bytes), SERDE), carried);
    } catch (RuntimeException e) {
      throw new IOException("corrupt top values: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the old format (Larder's own Misra-Gries summary of 64 counters) and converts it: each kept value
   * enters the new sketch with its count, and the occurrences the old summary had dropped stay counted in
   * {@link #count()} without a value, so the result is not {@link #exact()} when the old one was not.
   */
  static TopValues readLegacy(DataInputStream in) throws IOException {
    long n = in.readLong();
    long lost = in.readLong();
    int size = in.readInt();
    if (size < 0 || size > CAPACITY || n < 0 || lost < 0) {
      throw new IOException("corrupt legacy top values: " + size + " entries");
    }
    TopValues t = new TopValues();
    long kept = 0;
    for (int i = 0; i < size; i++) {
      String value = in.readUTF();
      long count = in.readLong();
      if (count <= 0) {
        throw new IOException("corrupt legacy top values: count " + count);
      }
      t.sketch.update(value, count);
      kept += count;
    }
    if (kept > n) {
      throw new IOException("corrupt legacy top values: counts add up to " + kept + " of " + n + " values");
    }
    t.carriedUncounted = n - kept;
    return t;
  }
}
