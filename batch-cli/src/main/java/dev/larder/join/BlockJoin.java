package dev.larder.join;

import dev.larder.online.FeatureRowCodec;
import dev.larder.tasks.Tasks;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins one block of entity rows with every requested view: each view's rows go into its hash tables
 * ({@link ViewMatches}) and the view's history is streamed past them. The views of a block are independent, so
 * they are joined in parallel, one thread each up to the number of processors; this class owns those threads,
 * and lends them out between joins ({@link #inLanes}).
 */
final class BlockJoin implements AutoCloseable {
  private final List<ViewRequest> views;
  private final int[][] keyColumns;
  private final JoinListener listener;
  private final ExecutorService pool;
  private final int threads;
  /** The last block joined, whose state arrays the next block reuses. */
  private Block last;

  /** @param keyColumns per view, where its join keys are in the entity rows */
  BlockJoin(List<ViewRequest> views, int[][] keyColumns, JoinListener listener) {
    this.views = views;
    this.keyColumns = keyColumns;
    this.listener = listener;
    this.threads = Math.max(1, Math.min(views.size(), Runtime.getRuntime().availableProcessors()));
    this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "larder-join");
      t.setDaemon(true);
      return t;
    });
  }

  /** A block of entity rows and, per view, their winners. */
  record Block(EntityChunk rows, ViewMatches[] views) {
    /** The output row of block row {@code i}: the entity row, then each view's features (nulls if none). */
    Object[] output(int i, int width) {
      Object[] in = rows.row(i);
      Object[] out = Arrays.copyOf(in, width);
      int col = in.length;
      for (ViewMatches m : views) {
        col = m.copyValues(i, out, col);
      }
      return out;
    }

    /**
     * The output row of block row {@code i} as a record of {@code out}'s codec, with {@code rowNumber} in its
     * event timestamp slot: {@link #output} encoded, with the entity values copied as they are encoded and
     * without boxing the raw winners. {@code nulls} is scratch space of at least the output's width; both are
     * the calling thread's own.
     */
    byte[] record(int i, long rowNumber, FeatureRowCodec.RecordWriter out, boolean[] nulls) {
      rows.nullsOf(i, nulls);
      int col = rows.width();
      for (ViewMatches m : views) {
        col = m.nullsOf(i, nulls, col);
      }
      out.start(rowNumber, 0, nulls);
      rows.writeValues(i, out);
      col = rows.width();
      for (ViewMatches m : views) {
        col = m.writeValues(i, out, col);
      }
      return out.finish();
    }
  }

  /** Rows {@code [from, to)} of a block, handled by one thread as lane {@code lane}. */
  interface RowRange {
    void run(int lane, int from, int to) throws IOException;
  }

  /** How many lanes {@link #inLanes} uses: one per join thread. */
  int lanes() {
    return threads;
  }

  /**
   * Runs {@code task} over rows {@code [0, n)} cut into {@link #lanes} consecutive ranges at once: one on the
   * calling thread, the others on the join threads, which are idle between joins.
   */
  void inLanes(int n, RowRange task) throws IOException {
    if (pool == null || n < threads) {
      task.run(0, 0, n);
      return;
    }
    List<Future<Void>> others = new ArrayList<>();
    for (int l = 1; l < threads; l++) {
      int lane = l;
      others.add(pool.submit(() -> {
        task.run(lane, laneStart(n, lane), laneStart(n, lane + 1));
        return null;
      }));
    }
    try {
      task.run(0, 0, laneStart(n, 1));
      for (Future<Void> f : others) {
        Tasks.await(f, "handling joined rows");
      }
    } finally {
      others.forEach(f -> f.cancel(true));
    }
  }

  /** Where lane {@code lane}'s rows of {@code [0, n)} start (lane {@link #lanes} is the end). */
  private int laneStart(int n, int lane) {
    return (int) ((long) n * lane / threads);
  }

  /**
   * Each view's winners for the rows of {@code c}. The previous block's winners and key groups are overwritten
   * (their arrays are reused): call once every row of the previous block was handed on.
   */
  Block join(EntityChunk c) throws IOException {
    ViewMatches[] previous = last != null ? last.views() : new ViewMatches[views.size()];
    Map<List<Object>, KeyGroups> previousGroups = new HashMap<>();
    for (int v = 0; v < previous.length; v++) {
      if (previous[v] != null) {
        previousGroups.put(groupKey(views.get(v), keyColumns[v]), previous[v].groups());
      }
    }
    last = null;
    Block b = join(c, previous, previousGroups);
    last = b;
    return b;
  }

  private Block join(EntityChunk c, ViewMatches[] previous, Map<List<Object>, KeyGroups> previousGroups)
      throws IOException {
    AtomicLong progress = new AtomicLong();
    Map<List<Object>, FutureTask<KeyGroups>> groups = new ConcurrentHashMap<>();
    ViewMatches[] out = new ViewMatches[views.size()];
    if (pool == null) {
      for (int v = 0; v < out.length; v++) {
        out[v] = match(v, c, groups, previous[v], previousGroups, progress);
        listener.advance(progress.getAndSet(0));
      }
      return new Block(c, out);
    }
    List<Future<ViewMatches>> futures = new ArrayList<>();
    for (int v = 0; v < out.length; v++) {
      int view = v;
      futures.add(pool.submit(() -> match(view, c, groups, previous[view], previousGroups, progress)));
    }
    long reported = 0;
    try {
      for (int v = 0; v < out.length; v++) {
        while (out[v] == null) {
          try {
            out[v] = futures.get(v).get(250, TimeUnit.MILLISECONDS);
          } catch (TimeoutException notYet) {
            long p = progress.get();
            listener.advance(p - reported);
            reported = p;
          }
        }
      }
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      throw Tasks.failure(e, "joining a view");
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while joining");
    }
    listener.advance(progress.get() - reported);
    return new Block(c, out);
  }

  private ViewMatches match(int v, EntityChunk c, Map<List<Object>, FutureTask<KeyGroups>> groups,
                            ViewMatches previous, Map<List<Object>, KeyGroups> previousGroups, AtomicLong progress)
      throws IOException {
    ViewMatches m = new ViewMatches(views.get(v), c, keyGroups(v, c, groups, previousGroups), previous);
    m.join(progress);
    return m;
  }

  /**
   * The key groups of view {@code v}, built by the first view with the same key columns and TTL and shared by
   * the others (which wait for it if it is still being built).
   */
  private KeyGroups keyGroups(int v, EntityChunk c, Map<List<Object>, FutureTask<KeyGroups>> groups,
                              Map<List<Object>, KeyGroups> previousGroups) throws IOException {
    ViewRequest view = views.get(v);
    List<Object> key = groupKey(view, keyColumns[v]);
    FutureTask<KeyGroups> task = new FutureTask<>(
        () -> ViewMatches.keyGroups(view, c, keyColumns[v], previousGroups.get(key)));
    FutureTask<KeyGroups> first = groups.putIfAbsent(key, task);
    if (first == null) {
      task.run();
      first = task;
    }
    return Tasks.await(first, "grouping entity rows by key");
  }

  /** Lets go of the last block's arrays, once its rows were handed on and no block follows. */
  void forgetLast() {
    last = null;
  }

  /** What views that share key groups have in common: where their keys are, the keys, and the TTL. */
  static List<Object> groupKey(ViewRequest view, int[] keyColumns) {
    return List.of(Arrays.toString(keyColumns), view.joinKeys(), view.rule().ttlMicros());
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
