package dev.larder.join;

import dev.larder.pointintime.PointInTimeRule;
import dev.larder.disk.Folders;
import dev.larder.online.FeatureRowCodec;
import dev.larder.value.Column;
import dev.larder.tasks.RowsAhead;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Joins entity rows (join keys, a timestamp, anything else) with the history of feature views, giving each row the
 * features as of its timestamp according to {@link PointInTimeRule}. This is the one implementation of
 * point-in-time correctness; {@code larder training-set} is a thin shell around it.
 *
 * <p>It is a block hash join ({@link BlockJoin}): for a block of entity rows that fits the memory budget, each
 * view's rows are put in hash tables by join key and the view's history is streamed past them once, each history
 * row updating the best candidate of the rows of its key. Memory holds one block of entity rows and their winners,
 * never the history. When all entity rows fit one block, that is all: nothing touches the disk and the block is
 * the output, in input order. Otherwise the entity rows are sorted by time through temporary files
 * ({@link TimeSortedRows}) and joined in blocks that are consecutive time ranges, so each block reads only the
 * history of its time range plus one TTL; the joined rows are put back in input order through files of input
 * row ranges ({@link InputOrder}). Temporary files live in a fresh folder that is deleted on close.
 */
public final class PointInTimeJoin {
  private final RowSource entities;
  private final String timestampColumn;
  private final List<ViewRequest> views;
  private final long budgetBytes;
  private final Path spillDir;
  private final JoinListener listener;

  /**
   * @param entities the entity rows; read once
   * @param timestampColumn the entity rows' time column (TIMESTAMP or INT64 micros, never null)
   * @param views the views to join, in output order
   * @param memoryBudgetBytes heap one block of entity rows and its winners may fill
   * @param spillDir where to create the folder of temporary files, if the entity rows need more than one block
   */
  public PointInTimeJoin(RowSource entities, String timestampColumn, List<ViewRequest> views,
                         long memoryBudgetBytes, Path spillDir, JoinListener listener) {
    this.entities = entities;
    this.timestampColumn = timestampColumn;
    this.views = List.copyOf(views);
    this.budgetBytes = memoryBudgetBytes;
    this.spillDir = spillDir;
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
   * Starts the join; the returned reader produces the output row by row in entity order. The join itself runs
   * when the first row is asked for.
   *
   * @throws IllegalArgumentException when the entity rows lack the timestamp column or a join key column
   */
  public JoinedRows run() throws IOException {
    RowReader in = new RowsAhead(entities.open(), "larder-prefetch", e -> false);
    try {
      RowSchema schema = in.schema();
      int ts = requireColumn(schema, timestampColumn, "entity rows");
      int[][] keyColumns = new int[views.size()][];
      int maxWidth = 1;
      long bytesPerRow = EntityChunk.Filler.BYTES_PER_ROW;
      Set<List<Object>> groups = new HashSet<>(); // views with the same key and TTL share key groups
      for (int v = 0; v < views.size(); v++) {
        ViewRequest view = views.get(v);
        keyColumns[v] = new int[view.joinKeys().size()];
        for (int k = 0; k < keyColumns[v].length; k++) {
          keyColumns[v][k] = requireColumn(schema, view.joinKeys().get(k).name(), "entity rows");
        }
        maxWidth = Math.max(maxWidth, view.features().size());
        bytesPerRow += ViewMatches.bytesPerRow(view);
        if (groups.add(BlockJoin.groupKey(view, keyColumns[v]))) {
          bytesPerRow += ViewMatches.GROUP_BYTES_PER_ROW + KeyIndex.bytesPerKey(8 * keyColumns[v].length);
        }
      }
      int maxRows = Math.min(KeyIndex.MAX_KEYS, Integer.MAX_VALUE / ViewMatches.maxStride(maxWidth) - 1);
      Run run = new Run(ts, maxRows, bytesPerRow, new BlockJoin(views, keyColumns, listener));
      return new JoinedRows(in, views, run);
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

  /** The output rows of a join, in input order, read either as values or as records; not both. */
  interface Output {
    /** The next row, or null at the end. */
    Object[] next() throws IOException;

    /** The next row encoded with {@link JoinedRows#recordCodec}, or null at the end. */
    byte[] nextRecord() throws IOException;
  }

  /** One run of the join: reads the entity rows, joins them block by block, and owns threads and spill files. */
  final class Run implements AutoCloseable {
    private final int timestamp;
    private final int maxRows;
    private final long bytesPerRow;
    private final BlockJoin join;
    private final long[] matched = new long[views.size()];
    private Path dir;
    private TimeSortedRows sorted;
    private InputOrder order;

    Run(int timestamp, int maxRows, long bytesPerRow, BlockJoin join) {
      this.timestamp = timestamp;
      this.maxRows = maxRows;
      this.bytesPerRow = bytesPerRow;
      this.join = join;
    }

    JoinListener listener() {
      return listener;
    }

    /** Rows of each view that got a history row, so far. */
    long[] matched() {
      return matched;
    }

    /** Reads all entity rows from {@code in} and joins them; the output is then read from the result. */
    Output start(RowReader in) throws IOException {
      RowSchema out = outputSchema(in.schema(), views);
      FeatureRowCodec entityCodec = JoinedRows.recordCodec(in.schema());
      EntityChunk.Filler block = new EntityChunk.Filler(entityCodec, maxRows, budgetBytes, bytesPerRow);
      listener.step("reading entity rows", -1);
      long n = 0;
      Object[] row;
      while ((row = in.next()) != null && !block.full()) {
        block.add(row, EntityChunk.time(row, timestamp, timestampColumn, in), n++);
      }
      if (row == null) {
        return inInputOrder(join(block.take(), "all " + String.format("%,d", n)), out);
      }
      dir = Files.createTempDirectory(spillDir, ".larder-pit-");
      sorted = new TimeSortedRows(dir);
      long recordBytes = 0;
      do {
        if (block.full()) {
          listener.step("sorting entity rows by time: writing rows up to " + String.format("%,d", n), -1);
          recordBytes += block.rowBytes();
          sorted.addRun(block.take(), join);
        }
        block.add(row, EntityChunk.time(row, timestamp, timestampColumn, in), n++);
      } while ((row = in.next()) != null);
      recordBytes += block.rowBytes();
      sorted.addRun(block.take(), join);
      order = new InputOrder(dir, out, n, rangeRows(recordBytes / n), join.lanes());
      FeatureRowCodec codec = JoinedRows.recordCodec(out);
      int blocks = 0;
      for (EntityChunk c; (c = sorted.next(block)) != null; ) {
        BlockJoin.Block b = join(c, "time block " + ++blocks + " (" + String.format("%,d", c.size()) + ")");
        EntityChunk rows = c;
        join.inLanes(c.size(), (lane, from, to) -> {
          FeatureRowCodec.RecordWriter writer = codec.recordWriter();
          boolean[] nulls = new boolean[out.size()];
          for (int i = from; i < to; i++) {
            long number = rows.rowNumber(i);
            order.add(lane, number, b.record(i, number, writer, nulls));
          }
        });
      }
      join.forgetLast(); // the output is read from the range files: the last block's state is garbage
      sorted.close();
      sorted = null;
      listener.step("writing " + String.format("%,d", n) + " joined rows in input order", n);
      return new Output() {
        @Override
        public Object[] next() throws IOException {
          return order.next(join);
        }

        @Override
        public byte[] nextRecord() throws IOException {
          return order.nextRecord();
        }
      };
    }

    private BlockJoin.Block join(EntityChunk c, String what) throws IOException {
      listener.step("joining " + what + " entity rows with the history of " + views.size() + " views", -1);
      BlockJoin.Block b = join.join(c);
      for (int v = 0; v < matched.length; v++) {
        matched[v] += b.views()[v].matchedRows();
      }
      return b;
    }

    /**
     * Rows of output per range of {@link InputOrder}, so that one range fits half the budget: while a range is
     * written out, the writer holds rows and buffers of its own. {@code entityRecordBytes} is the average
     * size of an entity row's record, which starts the output row's.
     */
    private int rangeRows(long entityRecordBytes) {
      long perRow = 16 + entityRecordBytes;
      for (ViewRequest v : views) {
        perRow += v.features().size() * ViewMatches.BYTES_PER_VALUE;
      }
      return (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, budgetBytes / 2 / Math.max(1, perRow)));
    }

    /**
     * The rows of a block read in input order, emitted in that order: as values, or as records encoded on the
     * lanes (with the row's index in the event timestamp slot, as {@link InputOrder} has it).
     */
    private Output inInputOrder(BlockJoin.Block b, RowSchema schema) {
      FeatureRowCodec codec = JoinedRows.recordCodec(schema);
      int width = schema.size();
      FeatureRowCodec.RecordWriter[] writers = new FeatureRowCodec.RecordWriter[join.lanes()];
      boolean[][] nulls = new boolean[join.lanes()][width];
      for (int l = 0; l < writers.length; l++) {
        writers[l] = codec.recordWriter();
      }
      return new Output() {
        private final RowBatch<Object[]> rows = new RowBatch<>();
        private final RowBatch<byte[]> records = new RowBatch<>();
        private int pos;

        @Override
        public Object[] next() throws IOException {
          return next(rows, (lane, i) -> b.output(i, width));
        }

        @Override
        public byte[] nextRecord() throws IOException {
          return next(records, (lane, i) -> b.record(i, i, writers[lane], nulls[lane]));
        }

        private <T> T next(RowBatch<T> batch, RowBatch.Maker<T> maker) throws IOException {
          if (batch.isEmpty()) {
            if (pos == b.rows().size()) {
              return null;
            }
            int from = pos;
            int n = Math.min(RowBatch.ROWS, b.rows().size() - from);
            batch.fill(join, n, (lane, i) -> maker.make(lane, from + i));
            pos += n;
          }
          return batch.take();
        }
      };
    }

    /** Stops the join threads and deletes the temporary files. */
    @Override
    public void close() throws IOException {
      join.close();
      try {
        if (sorted != null) {
          sorted.close();
        }
      } finally {
        try {
          if (order != null) {
            order.close();
          }
        } finally {
          deleteDir();
        }
      }
    }

    private void deleteDir() throws IOException {
      if (dir == null) {
        return;
      }
      Folders.deleteTree(dir);
      dir = null;
    }
  }
}
