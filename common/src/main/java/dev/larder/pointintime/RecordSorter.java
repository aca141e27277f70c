package dev.larder.pointintime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * An external sort of records by (hash, key, time) within a memory budget: records collect in an in-memory
 * chunk; a full chunk is sorted and spilled as a {@link RunFile}; {@link #sorted()} merges the runs (k-way)
 * with the last chunk, which stays in memory. Nothing is written to disk when everything fits.
 *
 * <p>A chunk sorts a primitive array of (hash, index) pairs and then orders each group of equal hashes by key
 * and time, which is much faster than sorting objects when, as with join keys, groups are small.
 */
final class RecordSorter implements AutoCloseable {
  /** Most runs merged at once; more are merged in passes first. */
  static final int MAX_FAN_IN = 128;
  /** Approximate heap bytes per record beyond its arrays: the column arrays, growth slack and array headers. */
  private static final int RECORD_OVERHEAD = 96;

  private final Path dir;
  private final String name;
  private final long budgetBytes;
  private final List<Path> runs = new ArrayList<>();
  private Chunk chunk = new Chunk();
  private long records;

  RecordSorter(Path dir, String name, long budgetBytes) {
    this.dir = dir;
    this.name = name;
    this.budgetBytes = Math.max(budgetBytes, 1);
  }

  void add(int hash, byte[] key, long time, long aux, byte[] payload) throws IOException {
    chunk.add(hash, key, time, aux, payload);
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
        int r = chunk.at(i);
        w.write(chunk.hashes[r], chunk.keys[r], chunk.times[r], chunk.auxes[r], chunk.payloads[r]);
      }
    }
    runs.add(file);
    chunk = new Chunk();
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
      try (RecordCursor in = new Merge(inputs); RunFile.Writer w = new RunFile.Writer(merged)) {
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
    chunk = new Chunk();
    return inputs.size() == 1 ? inputs.get(0) : new Merge(inputs);
  }

  @Override
  public void close() throws IOException {
    for (Path p : runs) {
      Files.deleteIfExists(p);
    }
    runs.clear();
    chunk = new Chunk();
  }

  /** Records in columns, plus the sort order once sorted. */
  private static final class Chunk {
    int size;
    long bytes;
    int[] hashes = new int[1024];
    byte[][] keys = new byte[1024][];
    long[] times = new long[1024];
    long[] auxes = new long[1024];
    byte[][] payloads = new byte[1024][];
    long[] order;

    void add(int hash, byte[] key, long time, long aux, byte[] payload) {
      if (size == hashes.length) {
        int n = size * 2;
        hashes = Arrays.copyOf(hashes, n);
        keys = Arrays.copyOf(keys, n);
        times = Arrays.copyOf(times, n);
        auxes = Arrays.copyOf(auxes, n);
        payloads = Arrays.copyOf(payloads, n);
      }
      hashes[size] = hash;
      keys[size] = key;
      times[size] = time;
      auxes[size] = aux;
      payloads[size] = payload;
      size++;
      bytes += RECORD_OVERHEAD + key.length + (payload.length == 0 ? 0 : 16 + payload.length);
    }

    int at(int i) {
      return (int) order[i];
    }

    void sort() {
      order = new long[size];
      for (int i = 0; i < size; i++) {
        order[i] = ((long) hashes[i] << 32) | i;
      }
      Arrays.sort(order);
      int start = 0;
      while (start < size) {
        int end = start + 1;
        int h = (int) (order[start] >> 32);
        while (end < size && (int) (order[end] >> 32) == h) {
          end++;
        }
        if (end - start > 1) {
          sortGroup(start, end);
        }
        start = end;
      }
    }

    private int compare(int a, int b) {
      int c = Arrays.compareUnsigned(keys[a], keys[b]);
      return c != 0 ? c : Long.compare(times[a], times[b]);
    }

    /** Orders order[start, end), whose records share a hash, by key and time. */
    private void sortGroup(int start, int end) {
      if (end - start <= 48) {
        for (int i = start + 1; i < end; i++) {
          long x = order[i];
          int j = i - 1;
          while (j >= start && compare((int) order[j], (int) x) > 0) {
            order[j + 1] = order[j];
            j--;
          }
          order[j + 1] = x;
        }
        return;
      }
      Integer[] idx = new Integer[end - start];
      for (int i = start; i < end; i++) {
        idx[i - start] = (int) order[i];
      }
      Arrays.sort(idx, this::compare);
      for (int i = start; i < end; i++) {
        order[i] = ((long) hashes[idx[i - start]] << 32) | idx[i - start];
      }
    }

    RecordCursor cursor() {
      return new RecordCursor() {
        private int pos = -1;
        private int r;

        @Override
        public boolean next() {
          if (++pos >= size) {
            return false;
          }
          r = at(pos);
          return true;
        }

        @Override
        public int hash() {
          return hashes[r];
        }

        @Override
        public byte[] key() {
          return keys[r];
        }

        @Override
        public long time() {
          return times[r];
        }

        @Override
        public long aux() {
          return auxes[r];
        }

        @Override
        public byte[] payload() {
          return payloads[r];
        }

        @Override
        public void close() {
          pos = size;
        }
      };
    }
  }

  /** A k-way merge of sorted cursors. */
  private static final class Merge implements RecordCursor {
    private final List<RecordCursor> inputs;
    private final PriorityQueue<RecordCursor> heap;
    private RecordCursor current;
    private boolean started;

    Merge(List<RecordCursor> inputs) {
      this.inputs = inputs;
      this.heap = new PriorityQueue<>(Math.max(1, inputs.size()), RecordCursor::compare);
    }

    @Override
    public boolean next() throws IOException {
      if (!started) {
        started = true;
        for (RecordCursor c : inputs) {
          if (c.next()) {
            heap.add(c);
          }
        }
      } else if (current != null && current.next()) {
        heap.add(current);
      }
      current = heap.poll();
      return current != null;
    }

    @Override
    public int hash() {
      return current.hash();
    }

    @Override
    public byte[] key() {
      return current.key();
    }

    @Override
    public long time() {
      return current.time();
    }

    @Override
    public long aux() {
      return current.aux();
    }

    @Override
    public byte[] payload() {
      return current.payload();
    }

    @Override
    public void close() throws IOException {
      IOException first = null;
      for (RecordCursor c : inputs) {
        try {
          c.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
