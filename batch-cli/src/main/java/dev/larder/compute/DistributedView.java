package dev.larder.compute;

import dev.larder.aggregate.EventBlock;
import dev.larder.aggregate.SlidingWindow;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.offline.BadCellException;
import dev.larder.offline.SourceReaders;
import dev.larder.online.EntityKeyCodec;
import dev.larder.registry.Catalog;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One aggregation view of a compute run, in a form an engine that runs on many machines (Spark) can ship to its
 * workers: serializable, and rebuilt there from the registry and the repository path. It exists so that such an
 * engine runs exactly the embedded engine's code on each worker — the same source readers and bad-row rules
 * ({@link #readFile}), the same entity key encoding ({@link EntityKeyCodec}) and the same sliding window
 * ({@link Aggregator}) — and only decides where the events go in between.
 *
 * <p>The embedded engine gives ties of event time the order in which the rows were read (file by file, row by
 * row); {@link #readFile} numbers each event with {@link #sequence(int, long)} so a distributed sort by (key,
 * time, sequence) restores exactly that order.
 */
public final class DistributedView implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] registry;
  private final String view;
  private final String repoDir;
  private final long[] asOfs;
  private final long created;
  private final BadRowPolicy policy;
  private final int files;
  private final long from;
  private final long until;
  private transient ViewJob job;
  private transient EntityKeyCodec codec;

  DistributedView(Catalog catalog, FeatureView view, Path repoDir, long[] asOfs, long created, BadRowPolicy policy)
      throws IOException {
    this.registry = catalog.registry().toByteArray();
    this.view = view.getName();
    this.repoDir = repoDir.toAbsolutePath().toString();
    this.asOfs = asOfs.clone();
    this.created = created;
    this.policy = policy;
    this.job = new ViewJob(catalog, view, repoDir);
    this.files = SourceReaders.fileCount(job.source(), repoDir);
    long longest = new SlidingWindow(job.specs(), job.inputs()).longestWindow();
    // As ViewComputation: only events some snapshot of the run can see are passed on.
    this.from = longest == Long.MAX_VALUE || asOfs[0] < Long.MIN_VALUE + longest ? Long.MIN_VALUE
        : asOfs[0] - longest;
    this.until = asOfs[asOfs.length - 1];
  }

  public String name() {
    return view;
  }

  /** The number of source data files, one read task each. */
  public int files() {
    return files;
  }

  /** The as-of times, ascending; rows name them by index. */
  public long[] asOfs() {
    return asOfs.clone();
  }

  /** The run's created timestamp (micros), written in every snapshot row. */
  public long created() {
    return created;
  }

  ViewJob job() throws IOException {
    if (job == null) {
      Catalog catalog = Catalog.of(Registry.parseFrom(registry));
      job = new ViewJob(catalog, catalog.requireView(view), Path.of(repoDir));
    }
    return job;
  }

  private EntityKeyCodec codec() throws IOException {
    if (codec == null) {
      Catalog catalog = Catalog.of(Registry.parseFrom(registry));
      codec = new EntityKeyCodec(catalog.joinKeys(catalog.requireView(view)));
    }
    return codec;
  }

  /** The position of the {@code row}th row of file {@code file} in the embedded engine's read order. */
  public static long sequence(int file, long row) {
    return ((long) file << 40) | row;
  }

  /** What reading one file did: good events (inside the run's time range or not) and bad rows by reason. */
  public record FileResult(long events, Map<String, Long> skipped) implements Serializable {}

  /**
   * Opens source file {@code file} for reading with the embedded engine's rules ({@link SourceEvents}): bad rows
   * fail the run (an {@link IOException} naming file, row and column) or are skipped and counted, per {@code
   * --on-bad-row}; only good events in the run's time range are returned.
   */
  public Events readFile(int file) throws IOException {
    return new Events(job(), codec(), file);
  }

  /** The good events of one source file, pulled one at a time (memory stays that of the reader). */
  public final class Events implements AutoCloseable {
    private final ViewJob j;
    private final EntityKeyCodec keys;
    private final int file;
    private final RowReader reader;
    private final BadRows bad = new BadRows(policy);
    private final int ts;
    private final String tsName;
    private long row;
    private long accepted;
    private byte[] key;
    private long time;
    private long sequence;
    private Object[] projected;

    private Events(ViewJob j, EntityKeyCodec keys, int file) throws IOException {
      this.j = j;
      this.keys = keys;
      this.file = file;
      this.ts = j.timestampIndex();
      this.tsName = j.source().getTimestampField();
      this.reader = SourceReaders.open(j.source(), Path.of(repoDir), j.readColumns(), file);
    }

    /** Moves to the next good event in the time range; false at the end of the file. */
    public boolean next() throws IOException {
      try {
        while (true) {
          Object[] r;
          try {
            r = reader.next();
          } catch (BadCellException e) {
            // The reader is positioned after the bad row.
            bad.report(tsName.equals(e.column()) ? BadRows.BAD_TIMESTAMP : BadRows.BAD_VALUE, e.getMessage());
            row++;
            continue;
          }
          if (r == null) {
            return false;
          }
          long seq = DistributedView.sequence(file, row++);
          int nullKey = j.nullKey(r);
          if (nullKey >= 0) {
            bad.report(BadRows.NULL_KEY, reader.position() + ", column '" + j.keyNames().get(nullKey)
                + "': join key is null");
            continue;
          }
          if (r[ts] == null) {
            bad.report(BadRows.NULL_TIMESTAMP, reader.position() + ", column '" + tsName
                + "': event timestamp is null");
            continue;
          }
          long t = (Long) r[ts];
          accepted++;
          if (t >= from && t < until) {
            projected = new Object[j.inputs().size()];
            j.inputs().project(r, projected);
            Object[] keyValues = new Object[j.keyNames().size()];
            System.arraycopy(r, 0, keyValues, 0, keyValues.length);
            key = keys.encode(keyValues);
            time = t;
            sequence = seq;
            return true;
          }
        }
      } catch (BadRows.BadRowException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    /** The current event's encoded entity key ({@link EntityKeyCodec}). */
    public byte[] key() {
      return key;
    }

    public long time() {
      return time;
    }

    /** The current event's position in the embedded engine's read order ({@link #sequence(int, long)}). */
    public long sequence() {
      return sequence;
    }

    /** The current event's aggregation inputs; a fresh array per event, which the caller may keep. */
    public Object[] projected() {
      return projected;
    }

    /** What was read so far; complete once {@link #next()} returned false. */
    public FileResult result() {
      return new FileResult(accepted, bad.counts());
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  /** A new aggregator for one worker thread. */
  public Aggregator aggregator() throws IOException {
    return new Aggregator(job(), codec(), asOfs);
  }

  /** Receives one snapshot row: as-of index, the entity's key values and the aggregates in feature order. */
  @FunctionalInterface
  public interface RowConsumer {
    /** @param values reused after the call returns */
    void accept(int asOf, Object[] keyValues, Object[] values);
  }

  /**
   * Runs the shared {@link SlidingWindow} over one entity at a time: events arrive grouped by entity and in
   * time order (ties in read order), so only the current entity's events are held, as in the embedded engine.
   * Not thread-safe.
   */
  public static final class Aggregator {
    private final EntityKeyCodec codec;
    private final long[] asOfs;
    private final SlidingWindow window;
    private final EventBlock block;
    private byte[] key;
    private long entities;

    Aggregator(ViewJob job, EntityKeyCodec codec, long[] asOfs) {
      this.codec = codec;
      this.asOfs = asOfs;
      this.window = new SlidingWindow(job.specs(), job.inputs());
      this.block = new EventBlock(job.inputs(), 1024);
    }

    /**
     * Adds an event of entity {@code key}; when the key differs from the previous event's, the previous
     * entity's rows go to {@code out} first.
     */
    public void add(byte[] key, long time, Object[] projected, RowConsumer out) {
      if (this.key != null && !java.util.Arrays.equals(this.key, key)) {
        finishEntity(out);
      }
      this.key = key;
      block.add(time, projected);
    }

    /** Emits the last entity's rows; call after the last event. */
    public void finish(RowConsumer out) {
      if (key != null) {
        finishEntity(out);
      }
    }

    /** Entities aggregated so far. */
    public long entities() {
      return entities;
    }

    private void finishEntity(RowConsumer out) {
      Object[] keyValues = codec.decode(key);
      window.run(block, null, 0, block.size(), asOfs, (t, values) -> out.accept(t, keyValues, values));
      entities++;
      block.clear();
      key = null;
    }
  }

  /** Unwraps the first of our I/O errors from an engine's wrapped failure, or null. */
  public static IOException cause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException io) {
        return io;
      }
      if (c instanceof UncheckedIOException u) {
        return u.getCause();
      }
    }
    return null;
  }
}
