package dev.larder.pointintime;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins entity rows (join keys, a timestamp, anything else) with the history of feature views, giving each row the
 * features as of its timestamp according to {@link PointInTimeRule}. This is the one implementation of
 * point-in-time correctness; {@code larder training-set} is a thin shell around it.
 *
 * <p>It works in bounded memory whatever the data size: for each view it external-sorts the entity rows' keys and
 * the history rows by (key, time), sweeps both in one pass keeping the best candidate so far, and spills the
 * winners by row number range ({@link ResultBuckets}); the output then re-reads the entity rows and attaches each
 * row's features, in input order. History rows that no entity row can see (too new, expired before the
 * earliest row, or of a key no entity row has, as far as a Bloom filter knows) are dropped while reading.
 */
public final class PointInTimeJoin {
  private final RowSource entities;
  private final String timestampColumn;
  private final List<ViewRequest> views;
  private final Path spillParent;
  private final long budgetBytes;
  private final JoinListener listener;

  /**
   * @param entities the entity rows; read twice
   * @param timestampColumn the entity rows' time column (TIMESTAMP or INT64 micros, never null)
   * @param views the views to join, in output order
   * @param spillDir where to create the temporary directory for spill files
   * @param memoryBudgetBytes heap the join may fill with sort buffers and results
   */
  public PointInTimeJoin(RowSource entities, String timestampColumn, List<ViewRequest> views, Path spillDir,
                         long memoryBudgetBytes, JoinListener listener) {
    this.entities = entities;
    this.timestampColumn = timestampColumn;
    this.views = List.copyOf(views);
    this.spillParent = spillDir;
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
   * Runs the join up to the output, which the returned reader produces row by row in entity order. Closing the
   * reader deletes the spill files.
   *
   * @throws IllegalArgumentException naming the row and column when an entity row has a null timestamp, or when
   *     a column is missing
   */
  public JoinedRows run() throws IOException {
    Files.createDirectories(spillParent);
    Path dir = Files.createTempDirectory(spillParent, ".larder-pit-");
    try {
      EntityKeys[] keys = readEntities(dir);
      long rows = keys.length == 0 ? countRows() : keys[0].rows;
      int bucketRows = ResultBuckets.bucketRows(rows, views.size(), budgetBytes / 2);
      ResultBuckets results = new ResultBuckets(dir, rows, bucketRows);
      long[] matched = new long[views.size()];
      for (int v = 0; v < views.size(); v++) {
        long entityMemory = 0;
        for (int w = v; w < keys.length; w++) {
          entityMemory += keys[w].sorter.memoryBytes();
        }
        try (RecordSorter history = readHistory(dir, v, keys[v], budgetBytes - entityMemory);
             RecordCursor e = keys[v].sorter.sorted();
             RecordCursor h = history.sorted();
             ResultBuckets.Writer out = results.writer(v)) {
          listener.step("joining " + views.get(v).name(), keys[v].sorter.records());
          matched[v] = sweep(views.get(v).rule(), e, h, out);
        } finally {
          keys[v].sorter.close();
        }
      }
      List<JoinSummary.ViewCount> counts = new ArrayList<>();
      for (int v = 0; v < views.size(); v++) {
        counts.add(new JoinSummary.ViewCount(views.get(v).name(), matched[v], rows - matched[v]));
      }
      JoinSummary summary = new JoinSummary(rows, counts);
      return new JoinedRows(new PrefetchingReader(entities.open()), views, results, summary, dir);
    } catch (IOException | RuntimeException | Error e) {
      JoinedRows.deleteRecursively(dir);
      throw e;
    }
  }

  private long countRows() throws IOException {
    long n = 0;
    try (RowReader r = entities.open()) {
      while (r.next() != null) {
        n++;
      }
    }
    return n;
  }

  /** One view's entity keys, sorted by (key, row time), with the range of row times that have a key. */
  private static final class EntityKeys {
    final KeyEncoder encoder;
    final RecordSorter sorter;
    final KeyFilter filter = new KeyFilter();
    long rows;
    long minTs = Long.MAX_VALUE;
    long maxTs = Long.MIN_VALUE;

    EntityKeys(KeyEncoder encoder, RecordSorter sorter) {
      this.encoder = encoder;
      this.sorter = sorter;
    }
  }

  private EntityKeys[] readEntities(Path dir) throws IOException {
    EntityKeys[] keys = new EntityKeys[views.size()];
    try (RowReader in = new PrefetchingReader(entities.open())) {
      RowSchema schema = in.schema();
      int ts = requireColumn(schema, timestampColumn, "entity rows");
      for (int v = 0; v < keys.length; v++) {
        ViewRequest view = views.get(v);
        keys[v] = new EntityKeys(encoder(schema, view, "entity rows"),
            new RecordSorter(dir, "entities-" + v, budgetBytes / Math.max(1, keys.length)));
      }
      listener.step("reading entity rows", -1);
      long row = 0;
      for (Object[] r = in.next(); r != null; r = in.next(), row++) {
        Object t = r[ts];
        if (t == null) {
          throw new IllegalArgumentException(in.position() + ": column '" + timestampColumn
              + "' is null; every entity row needs a timestamp");
        }
        long time = ((Number) t).longValue();
        for (EntityKeys k : keys) {
          byte[] key = k.encoder.encode(r);
          if (key != null) {
            int hash = KeyEncoder.hash(key);
            k.sorter.add(hash, key, time, row, RecordCursor.EMPTY);
            k.filter.add(hash);
            k.minTs = Math.min(k.minTs, time);
            k.maxTs = Math.max(k.maxTs, time);
          }
        }
        if ((row & 0xFFF) == 0xFFF) {
          listener.advance(0x1000);
        }
      }
      listener.advance(row & 0xFFF);
      long held = 0;
      for (EntityKeys k : keys) {
        k.rows = row;
        held += k.sorter.memoryBytes();
      }
      if (held > budgetBytes / 4) {
        for (EntityKeys k : keys) {
          k.sorter.spill(); // leave the heap to the history sorts
        }
      }
    } catch (IOException | RuntimeException e) {
      for (EntityKeys k : keys) {
        if (k != null) {
          k.sorter.close();
        }
      }
      throw e;
    }
    return keys;
  }

  private RecordSorter readHistory(Path dir, int v, EntityKeys entityKeys, long budget) throws IOException {
    ViewRequest view = views.get(v);
    PointInTimeRule rule = view.rule();
    RecordSorter sorter = new RecordSorter(dir, "history-" + v, budget);
    if (entityKeys.maxTs == Long.MIN_VALUE) {
      return sorter; // no entity row has a key for this view: nothing to read
    }
    listener.step("reading history of " + view.name(), -1);
    long from = rule.hasTtl() && entityKeys.minTs != Long.MAX_VALUE
        ? Math.max(Long.MIN_VALUE + rule.ttlMicros(), entityKeys.minTs) - rule.ttlMicros() + 1 : Long.MIN_VALUE;
    try (RowReader in = new PrefetchingReader(view.history().open(from, entityKeys.maxTs))) {
      RowSchema schema = in.schema();
      String what = "history of feature view '" + view.name() + "'";
      KeyEncoder encoder = encoder(schema, view, what);
      int eventTs = requireColumn(schema, ViewRequest.EVENT_TIMESTAMP, what);
      int createdTs = schema.indexOf(ViewRequest.CREATED_TIMESTAMP);
      int[] features = new int[view.features().size()];
      ValueType[] types = new ValueType[features.length];
      for (int i = 0; i < features.length; i++) {
        features[i] = requireColumn(schema, view.features().get(i), what);
        types[i] = view.outputColumns().get(i).type();
      }
      Scratch scratch = new Scratch();
      long seq = 0;
      for (Object[] r = in.next(); r != null; r = in.next()) {
        if ((++seq & 0xFFF) == 0) {
          listener.advance(0x1000);
        }
        Object e = r[eventTs];
        if (e == null) {
          continue;
        }
        long ets = ((Number) e).longValue();
        Object c = createdTs < 0 ? null : r[createdTs];
        long cts = c == null ? PointInTimeRule.NO_CREATED : ((Number) c).longValue();
        long available = rule.availableAt(ets, cts);
        if (available > entityKeys.maxTs || !rule.isFresh(entityKeys.minTs, ets)) {
          continue;
        }
        int keyLength = encoder.encodeInPlace(r);
        if (keyLength < 0) {
          continue;
        }
        int hash = KeyEncoder.hash(encoder.buffer(), keyLength);
        if (entityKeys.filter.mightContain(hash)) {
          scratch.payload(ets, cts, r, features, types);
          sorter.add(hash, encoder.buffer(), keyLength, available, seq, scratch.buffer(), scratch.size());
        }
      }
    } catch (IOException | RuntimeException e) {
      sorter.close();
      throw e;
    }
    return sorter;
  }

  /**
   * The merge of one view's sorted entity keys and history: for each key, history rows are folded into the best
   * candidate as soon as they are available at the entity row's time; an entity row takes the best candidate if
   * it has not expired by then. Returns the number of rows that got a history row.
   */
  static long sweep(PointInTimeRule rule, RecordCursor e, RecordCursor h, ResultBuckets.Writer out)
      throws IOException {
    boolean hasH = h.next();
    byte[] currentKey = null;
    int currentHash = 0;
    byte[] best = null;
    long bestEts = 0;
    long bestCts = 0;
    long bestSeq = 0;
    long matched = 0;
    while (e.next()) {
      if (currentKey == null || RecordCursor.compareKeys(currentHash, currentKey, e.hash(), e.key()) != 0) {
        currentKey = e.key();
        currentHash = e.hash();
        best = null;
      }
      while (hasH) {
        int c = RecordCursor.compareKeys(h.hash(), h.key(), currentHash, currentKey);
        if (c > 0 || (c == 0 && h.time() > e.time())) {
          break;
        }
        if (c == 0) {
          byte[] p = h.payload();
          long ets = Scratch.longAt(p, 0);
          long cts = Scratch.longAt(p, 8);
          if (best == null || PointInTimeRule.compareCandidates(ets, cts, h.aux(), bestEts, bestCts, bestSeq) > 0) {
            best = p;
            bestEts = ets;
            bestCts = cts;
            bestSeq = h.aux();
          }
        }
        hasH = h.next();
      }
      if (best != null && rule.isFresh(e.time(), bestEts)) {
        out.add(e.aux(), best, 16, best.length - 16);
        matched++;
      }
    }
    return matched;
  }

  private KeyEncoder encoder(RowSchema schema, ViewRequest view, String what) {
    int[] cols = new int[view.joinKeys().size()];
    List<ValueType> types = new ArrayList<>();
    for (int i = 0; i < cols.length; i++) {
      cols[i] = requireColumn(schema, view.joinKeys().get(i).name(), what);
      types.add(view.joinKeys().get(i).type());
    }
    return new KeyEncoder(cols, types);
  }

  private static int requireColumn(RowSchema schema, String name, String what) {
    int i = schema.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(what + " have no column '" + name + "'; columns are " + schema);
    }
    return i;
  }

  /** Builds history payloads: event time, created time, then the requested features. */
  private static final class Scratch extends ByteArrayOutputStream {
    private final DataOutputStream data = new DataOutputStream(this);

    /** Encodes a payload into {@link #buffer()}, {@link #size()} bytes long. */
    void payload(long ets, long cts, Object[] row, int[] features, ValueType[] types) throws IOException {
      reset();
      data.writeLong(ets);
      data.writeLong(cts);
      for (int i = 0; i < features.length; i++) {
        ValueCodec.write(data, types[i], row[features[i]]);
      }
    }

    byte[] buffer() {
      return buf;
    }

    static long longAt(byte[] b, int off) {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (b[off + i] & 0xFF);
      }
      return v;
    }
  }
}
