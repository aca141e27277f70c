package dev.larder.pointintime;

import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins entity rows (join keys, a timestamp, anything else) with the history of feature views, giving each row the
 * features as of its timestamp according to {@link PointInTimeRule}. This is the one implementation of
 * point-in-time correctness; {@code larder training-set} is a thin shell around it.
 *
 * <p>It is a block hash join: the entity rows are read in consecutive blocks ({@link EntityChunk}) that fit the
 * memory budget; for each block, each view's rows are put in a hash table by join key ({@link ViewMatches}) and
 * the view's history is streamed past it once, each history row updating the best candidate of the rows of its
 * key. Nothing is sorted or spilled: memory holds one block of entity rows and their winners, never the history;
 * the output is the block in input order. With more entity rows than one block holds, the history is read once
 * per block. The views of a block are joined in parallel, one thread each up to the number of processors.
 */
public final class PointInTimeJoin {
  private final RowSource entities;
  private final String timestampColumn;
  private final List<ViewRequest> views;
  private final long budgetBytes;
  private final JoinListener listener;

  /**
   * @param entities the entity rows; read once
   * @param timestampColumn the entity rows' time column (TIMESTAMP or INT64 micros, never null)
   * @param views the views to join, in output order
   * @param memoryBudgetBytes heap one block of entity rows and its winners may fill
   */
  public PointInTimeJoin(RowSource entities, String timestampColumn, List<ViewRequest> views,
                         long memoryBudgetBytes, JoinListener listener) {
    this.entities = entities;
    this.timestampColumn = timestampColumn;
    this.views = List.copyOf(views);
    this.budgetBytes = memoryBudgetBytes;
    this.listener = listener;
  }

  /** The output columns: the entity columns, then each view's output columns. */
  public static RowSchema outputSchema(RowSchema entitySchema, List<ViewRequest> views) {
    List<Column> cols = new ArrayList<>(entitySchema.columns());
    for (ViewRequest v : views) {
      cols.addAll(v.outputColumns());
    }
    return new RowSchema(cols);
  }

  /**
   * Starts the join; the returned reader produces the output row by row in entity order, joining one block of
   * entity rows whenever it needs the next.
   *
   * @throws IllegalArgumentException when the entity rows lack the timestamp column or a join key column
   */
  public JoinedRows run() throws IOException {
    RowReader in = new PrefetchingReader(entities.open());
    try {
      RowSchema schema = in.schema();
      int ts = requireColumn(schema, timestampColumn, "entity rows");
      int[][] keyColumns = new int[views.size()][];
      int maxWidth = 1;
      long bytesPerRow = 8 + 4 + 8;
      for (int v = 0; v < views.size(); v++) {
        ViewRequest view = views.get(v);
        keyColumns[v] = new int[view.joinKeys().size()];
        for (int k = 0; k < keyColumns[v].length; k++) {
          keyColumns[v][k] = requireColumn(schema, view.joinKeys().get(k).name(), "entity rows");
        }
        int width = view.features().size();
        maxWidth = Math.max(maxWidth, width);
        bytesPerRow += ViewMatches.BYTES_PER_ROW + KeyIndex.bytesPerKey(8 * keyColumns[v].length)
            + width * ViewMatches.BYTES_PER_VALUE;
      }
      int maxRows = Math.min(KeyIndex.MAX_KEYS, Integer.MAX_VALUE / maxWidth - 1);
      return new JoinedRows(in, views, new Blocks(ts, keyColumns, maxRows, bytesPerRow));
    } catch (RuntimeException e) {
      in.close();
      throw e;
    }
  }

  static int requireColumn(RowSchema schema, String name, String what) {
    int i = schema.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(what + " have no column '" + name + "'; columns are " + schema);
    }
    return i;
  }

  /** A block of entity rows and, per view, their winners. */
  record Block(EntityChunk rows, ViewMatches[] views) {}

  /** Reads and joins blocks of entity rows; owns the threads that join views in parallel. */
  final class Blocks implements AutoCloseable {
    private final int timestamp;
    private final int[][] keyColumns;
    private final int maxRows;
    private final long bytesPerRow;
    private final ExecutorService pool;
    private long rowsRead;
    private int block;

    Blocks(int timestamp, int[][] keyColumns, int maxRows, long bytesPerRow) {
      this.timestamp = timestamp;
      this.keyColumns = keyColumns;
      this.maxRows = maxRows;
      this.bytesPerRow = bytesPerRow;
      int threads = Math.min(views.size(), Runtime.getRuntime().availableProcessors());
      this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "larder-join");
        t.setDaemon(true);
        return t;
      });
    }

    JoinListener listener() {
      return listener;
    }

    /** The next block of entity rows and each view's winners for it; an empty block at the end. */
    Block next(RowReader in) throws IOException {
      listener.step("reading entity rows from row " + (rowsRead + 1), -1);
      EntityChunk c = EntityChunk.read(in, timestamp, timestampColumn, maxRows, budgetBytes, bytesPerRow);
      rowsRead += c.size();
      if (c.size() == 0) {
        return new Block(c, new ViewMatches[0]);
      }
      block++;
      listener.step("joining " + String.format("%,d", c.size()) + " entity rows with the history of "
          + views.size() + " views (block " + block + ")", -1);
      AtomicLong progress = new AtomicLong();
      List<Future<ViewMatches>> futures = new ArrayList<>();
      ViewMatches[] out = new ViewMatches[views.size()];
      if (pool == null) {
        for (int v = 0; v < out.length; v++) {
          out[v] = match(v, c, progress);
          listener.advance(progress.getAndSet(0));
        }
        return new Block(c, out);
      }
      for (int v = 0; v < out.length; v++) {
        int view = v;
        futures.add(pool.submit(() -> match(view, c, progress)));
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
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        } else if (cause instanceof RuntimeException re) {
          throw re;
        } else if (cause instanceof Error err) {
          throw err;
        }
        throw new IOException(cause);
      } catch (InterruptedException e) {
        futures.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while joining");
      }
      listener.advance(progress.get() - reported);
      return new Block(c, out);
    }

    private ViewMatches match(int v, EntityChunk c, AtomicLong progress) throws IOException {
      ViewMatches m = new ViewMatches(views.get(v), c, keyColumns[v]);
      m.join(progress);
      return m;
    }

    @Override
    public void close() {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }
}
