package dev.larder.pointintime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An external sort of records by (hash, key, time) within a memory budget: records collect in an in-memory
 * chunk; a full chunk is sorted and spilled as a {@link RunFile}; {@link #sorted()} merges the runs (k-way)
 * with the last chunk, which stays in memory. Nothing is written to disk when everything fits.
 *
 * <p>A {@link SortChunk} sorts a primitive array of (hash, index) pairs and then orders each group of equal
 * hashes by key and time, which is much faster than sorting objects when, as with join keys, groups are small.
 */
final class RecordSorter implements AutoCloseable {
  /** Most runs merged at once; more are merged in passes first. */
  static final int MAX_FAN_IN = 128;

  private final Path dir;
  private final String name;
  private final long budgetBytes;
  private final List<Path> runs = new ArrayList<>();
  private SortChunk chunk = new SortChunk();
  private long records;

  RecordSorter(Path dir, String name, long budgetBytes) {
    this.dir = dir;
    this.name = name;
    this.budgetBytes = Math.max(budgetBytes, 1);
  }

  void add(int hash, byte[] key, long time, long aux, byte[] payload) throws IOException {
    add(hash, key, key.length, time, aux, payload, payload.length);
  }

  /** Adds a record whose key and payload are the first bytes of the given arrays, which are copied. */
  void add(int hash, byte[] key, int keyLength, long time, long aux, byte[] payload, int payloadLength)
      throws IOException {
    chunk.add(hash, key, keyLength, time, aux, payload, payloadLength);
    records++;
    if (chunk.bytes >= budgetBytes) {
      spill();
    }
  }

  long records() {
    return records;
  }

  int runCount() {
    return runs.size();
  }

  /** Heap bytes the in-memory chunk holds, approximately. */
  long memoryBytes() {
    return chunk.bytes;
  }

  /** Writes the in-memory chunk to a run file, freeing its memory. */
  void spill() throws IOException {
    if (chunk.size == 0) {
      return;
    }
    Path file = dir.resolve(name + "-" + runs.size() + ".run");
    chunk.sort();
    try (RunFile.Writer w = new RunFile.Writer(file)) {
      for (int i = 0; i < chunk.size; i++) {
        chunk.write(w, i);
      }
    }
    runs.add(file);
    chunk = new SortChunk();
  }

  /** All records added, sorted. The sorter must not be used afterwards except to close it. */
  RecordCursor sorted() throws IOException {
    while (runs.size() > MAX_FAN_IN) {
      List<Path> group = new ArrayList<>(runs.subList(0, MAX_FAN_IN));
      runs.subList(0, MAX_FAN_IN).clear();
      Path merged = dir.resolve(name + "-m" + runs.size() + "-" + System.nanoTime() + ".run");
      List<RecordCursor> inputs = new ArrayList<>();
      for (Path p : group) {
        inputs.add(RunFile.read(p));
      }
      try (RecordCursor in = new MergeCursor(inputs); RunFile.Writer w = new RunFile.Writer(merged)) {
        while (in.next()) {
          w.write(in.hash(), in.key(), in.time(), in.aux(), in.payload());
        }
      }
      runs.add(merged);
    }
    List<RecordCursor> inputs = new ArrayList<>();
    for (Path p : runs) {
      inputs.add(RunFile.read(p));
    }
    runs.clear();
    if (chunk.size > 0) {
      chunk.sort();
      inputs.add(chunk.cursor());
    }
    chunk = new SortChunk();
    return inputs.size() == 1 ? inputs.get(0) : new MergeCursor(inputs);
  }

  @Override
  public void close() throws IOException {
    for (Path p : runs) {
      Files.deleteIfExists(p);
    }
    runs.clear();
    chunk = new SortChunk();
  }
}
