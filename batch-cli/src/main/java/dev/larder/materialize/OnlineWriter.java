package dev.larder.materialize;

import dev.larder.disk.AtomicFile;
import dev.larder.online.EntityKeyCodec;
import dev.larder.online.FeatureLayout;
import dev.larder.online.FeatureRowCodec;
import dev.larder.online.OnlineLayout;
import dev.larder.online.OnlineOptions;
import dev.larder.online.RocksTuning;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.ValueType;
import dev.larder.lock.RepoLock;
import dev.larder.pointintime.PointInTimeRule;
import dev.larder.tasks.Tasks;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.rocksdb.IngestExternalFileOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One materialization run of one view version: rows go in in any order, and {@link #commit()} publishes a
 * new immutable run holding, per entity, the newest of those rows and of the currently served run. Readers
 * keep seeing the previous run until the CURRENT pointer flips, and a run that fails or is killed at any
 * point leaves the served data as it was (see docs/online-store.md).
 *
 * <p>Memory is bounded by {@link OnlineOptions#sortBufferBytes()}: larger inputs are sorted in chunks and
 * spilled next to the run, then merged. Not thread-safe: one thread drives a run. To use two cores, a full
 * buffer is sorted and spilled by a helper thread while the caller fills the other half of the budget, and
 * the final merge hands rows to writer threads that build SST files of consecutive key ranges in parallel.
 */
public final class OnlineWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnlineWriter.class);
  /** SST files are built by this many threads beside the merging one (see {@link PipelinedSink}). */
  private static final int SST_WRITER_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  /** Steps of {@link #commit()} and spills, reported to a listener (progress output; crash tests). */
  public enum Phase { SPILLING, MERGING, INGESTING, PUBLISHING, DONE }

  /** What a committed run did. {@code entitiesWritten}: entities whose row came from this run's input. */
  public record Summary(String view, long viewVersion, long runId, long rowsRead, long entitiesWritten,
                        long skippedAsOlder, long expired, long entitiesTotal, double seconds) {
    public double rowsPerSecond() {
      return rowsRead / Math.max(seconds, 1e-9);
    }
  }

  private final String view;
  private final long viewVersion;
  private final Path versionDir;
  private final EntityKeyCodec keys;
  private final FeatureLayout features;
  private final FeatureRowCodec rows;
  private final PointInTimeRule ttl;
  private final long nowMicros;
  private final OnlineOptions options;
  private final RepoLock lock;
  private final OptionalLong base;
  private final long runId;
  private final Path tmpDir;
  private final Path runDir;
  private final long startNanos = System.nanoTime();
  private final List<Path> spills = new ArrayList<>();
  private SortBuffer buffer;
  /** The other half of the sort budget: being spilled by {@link #spilling}, or empty and ready. */
  private SortBuffer spare;
  private Thread spilling;
  private IOException spillFailure;
  private Consumer<Phase> listener = p -> {};
  private long rowsRead;
  private long superseded;
  private boolean finished;

  private OnlineWriter(String view, long viewVersion, Path versionDir, EntityKeyCodec keys, FeatureLayout features,
                       PointInTimeRule ttl, long nowMicros, OnlineOptions options, RepoLock lock, OptionalLong base,
                       long runId) {
    this.view = view;
    this.viewVersion = viewVersion;
    this.versionDir = versionDir;
    this.keys = keys;
    this.features = features;
    this.rows = new FeatureRowCodec(features.types());
    this.ttl = ttl;
    this.nowMicros = nowMicros;
    this.options = options;
    this.lock = lock;
    this.base = base;
    this.runId = runId;
    this.tmpDir = OnlineLayout.tmpDir(versionDir, runId);
    this.runDir = OnlineLayout.runDir(versionDir, runId);
    this.buffer = new SortBuffer(options.sortBufferBytes() / 2);
  }

  /**
   * Starts a run: takes the view's lock (failing at once with {@link RepoLock.LockedException} when another
   * run holds it) and removes what killed runs left behind.
   *
   * @param ttlOrNull the view's TTL; rows that are not fresh at {@code nowMicros} under
   *                  {@link PointInTimeRule#isFresh} (event time at or before {@code nowMicros - ttl}) are dropped
   * @param nowMicros the run's reference time (the end of the materialized interval)
   */
  public static OnlineWriter begin(Path onlineDir, String view, long viewVersion, List<Field> joinKeys,
                                   List<ValueType> featureTypes, Duration ttlOrNull, long nowMicros,
                                   OnlineOptions options) throws IOException {
    return begin(onlineDir, view, viewVersion, joinKeys, FeatureLayout.positional(featureTypes), ttlOrNull, nowMicros,
        options);
  }

  /**
   * Like {@link #begin(Path, String, long, List, List, Duration, long, OnlineOptions)}, with feature names:
   * the run records them, and rows of a served run with another feature order are re-mapped by name.
   */
  public static OnlineWriter begin(Path onlineDir, String view, long viewVersion, List<Field> joinKeys,
                                   FeatureLayout features, Duration ttlOrNull, long nowMicros,
                                   OnlineOptions options) throws IOException {
    EntityKeyCodec keys = new EntityKeyCodec(joinKeys);
    new FeatureRowCodec(features.types()); // rejects unusable types before anything is touched
    PointInTimeRule ttl = PointInTimeRule.of(ttlOrNull, false);
    Path versionDir = OnlineLayout.versionDir(onlineDir, view, viewVersion);
    RepoLock lock = RepoLock.acquire(OnlineLayout.lockFile(onlineDir, view),
        "online materialization of view '" + view + "'");
    try {
      Files.createDirectories(versionDir);
      OptionalLong base = OnlineLayout.readCurrent(versionDir);
      long maxSeen = base.orElse(0);
      for (long id : OnlineLayout.runIds(versionDir)) {
        maxSeen = Math.max(maxSeen, id);
        if (base.isEmpty() || id > base.getAsLong()) {
          LOG.info("removing {} left by an interrupted run", OnlineLayout.runDir(versionDir, id));
          OnlineLayout.deleteTree(OnlineLayout.runDir(versionDir, id));
        }
      }
      for (long id : OnlineLayout.tmpIds(versionDir)) {
        maxSeen = Math.max(maxSeen, id);
        OnlineLayout.deleteTree(OnlineLayout.tmpDir(versionDir, id));
      }
      long runId = Math.max(maxSeen + 1, System.currentTimeMillis());
      Files.createDirectories(OnlineLayout.tmpDir(versionDir, runId));
      return new OnlineWriter(view, viewVersion, versionDir, keys, features, ttl, nowMicros, options, lock, base,
          runId);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Reports phases to {@code listener}, called on the writing thread. */
  public OnlineWriter onPhase(Consumer<Phase> listener) {
    this.listener = listener;
    return this;
  }

  public long runId() {
    return runId;
  }

  public long rowsRead() {
    return rowsRead;
  }

  /**
   * Adds one row (Java-form values). Rows may come in any order; per entity the newest wins.
   *
   * @param createdTimestampMicros or {@link FeatureRowCodec#NO_CREATED_TIMESTAMP}
   * @throws IllegalArgumentException when a value does not match its declared type (nothing is added)
   */
  public void put(Object[] keyValues, long eventTimestampMicros, long createdTimestampMicros, Object[] featureValues)
      throws IOException {
    if (finished) {
      throw new IllegalStateException("run " + runId + " of view '" + view + "' is already finished");
    }
    buffer.add(keys, rows, keyValues, eventTimestampMicros, createdTimestampMicros, featureValues);
    rowsRead++;
    if (buffer.isFull()) {
      spill();
    }
  }

  /** Whether join keys and features are all fixed-width, so rows can be given in raw form ({@link #putRaw}). */
  public boolean acceptsRaw() {
    return keys.fixedWidth() && rows.fixedWidth();
  }

  /**
   * Like {@link #put} for a view whose keys and features are all fixed-width ({@link #acceptsRaw()}), with
   * values in raw form, one {@code long} each (see {@link FeatureRowCodec#encodeRawTo}): bulk loads read
   * columns into primitive arrays and skip boxing every value. The arrays are not kept.
   *
   * @param featureNulls {@code featureNulls[i]} means feature i is null
   */
  public void putRaw(long[] keyValues, long eventTimestampMicros, long createdTimestampMicros, long[] featureValues,
                     boolean[] featureNulls) throws IOException {
    if (finished) {
      throw new IllegalStateException("run " + runId + " of view '" + view + "' is already finished");
    }
    buffer.addRaw(keys, rows, keyValues, eventTimestampMicros, createdTimestampMicros, featureValues, featureNulls);
    rowsRead++;
    if (buffer.isFull()) {
      spill();
    }
  }

  /** Hands the full buffer to a helper thread that sorts and spills it, and continues in the other one. */
  private void spill() throws IOException {
    listener.accept(Phase.SPILLING);
    try {
      awaitSpill();
    } catch (IOException e) {
      throw failed("spilling sorted rows", e);
    }
    SortBuffer full = buffer;
    buffer = spare != null ? spare : new SortBuffer(options.sortBufferBytes() / 2);
    spare = null;
    Path file = tmpDir.resolve(String.format("spill-%05d.bin", spills.size()));
    spills.add(file);
    spilling = new Thread(() -> {
      try (SpillFile.Writer out = new SpillFile.Writer(file)) {
        superseded += full.spillTo(out);
      } catch (IOException e) {
        spillFailure = new IOException(file + ": " + e.getMessage(), e);
      } catch (RuntimeException | Error e) {
        spillFailure = new IOException("spilling sorted rows to " + file + " failed: " + e, e);
      }
      full.clear();
      spare = full;
    }, "larder-spill-" + view);
    spilling.start();
  }

  /** Waits for the spill in progress; fields it wrote are visible after the join. */
  private void awaitSpill() throws IOException {
    if (spilling == null) {
      return;
    }
    Tasks.join(spilling);
    spilling = null;
    if (spillFailure != null) {
      IOException e = spillFailure;
      abort();
      throw e;
    }
  }

  /**
   * Merges with the served run, writes and ingests SST files into a new RocksDB, makes it durable, and
   * flips CURRENT to it; then deletes runs other than the new one and the previous one.
   *
   * @throws IOException with a message saying the served data is unchanged, when any step before the flip fails
   */
  public Summary commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("run " + runId + " of view '" + view + "' is already finished");
    }
    RunMerge.Counts counts;
    try {
      awaitSpill();
      spare = null;
      counts = writeRun();
    } catch (IOException e) {
      abort();
      throw failed("writing the run", e);
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
    try {
      listener.accept(Phase.PUBLISHING);
      OnlineLayout.writeCurrent(versionDir, runId);
    } catch (IOException e) {
      abort();
      throw failed("publishing the run", e);
    }
    finished = true;
    removeOldRuns();
    lock.close();
    listener.accept(Phase.DONE);
    return new Summary(view, viewVersion, runId, rowsRead, counts.written(), counts.skippedAsOlder(),
        counts.expired(), counts.total(), (System.nanoTime() - startNanos) / 1e9);
  }

  private RunMerge.Counts writeRun() throws IOException {
    listener.accept(Phase.MERGING);
    List<SortedRows> inputs = new ArrayList<>();
    SortedRows served = null;
    RunMerge.Counts counts;
    List<String> files;
    try {
      int readBuffer = Math.max(64 << 10, Math.min(1 << 20, options.sortBufferBytes() / 4 / (spills.size() + 1)));
      for (Path spill : spills) {
        inputs.add(SpillFile.read(spill, readBuffer));
      }
      superseded += buffer.duplicates();
      inputs.add(buffer.sortedRows());
      if (base.isPresent()) {
        served = new RunRows(OnlineLayout.runDir(versionDir, base.getAsLong()), options, features);
      }
      try (PipelinedSink pipeline = new PipelinedSink(tmpDir, options, view, SST_WRITER_THREADS)) {
        counts = RunMerge.merge(inputs, served, ttl, nowMicros, pipeline);
        files = pipeline.finish();
      }
    } finally {
      for (SortedRows in : inputs) {
        in.close();
      }
      if (served != null) {
        served.close();
      }
    }
    buffer = null;
    listener.accept(Phase.INGESTING);
    ingest(files);
    features.write(runDir);
    syncTree(runDir);
    AtomicFile.syncDirectory(versionDir);
    return counts;
  }

  private void ingest(List<String> files) throws IOException {
    try (Options o = RocksTuning.options(options, null).setErrorIfExists(true);
         RocksDB db = RocksDB.open(o, runDir.toString());
         IngestExternalFileOptions ingest = new IngestExternalFileOptions().setMoveFiles(true)) {
      if (!files.isEmpty()) {
        db.ingestExternalFile(files, ingest);
      }
    } catch (RocksDBException e) {
      throw new IOException(runDir + ": ingesting SST files failed (" + e.getMessage() + ")", e);
    }
  }

  private static void syncTree(Path dir) throws IOException {
    try (var paths = Files.list(dir)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
          ch.force(true);
        }
      }
    }
    AtomicFile.syncDirectory(dir);
  }

  /** Keeps the new run and the one it replaced (rollback, readers still on it); deletes the rest. */
  private void removeOldRuns() {
    try {
      OnlineLayout.deleteTree(tmpDir);
      for (long id : OnlineLayout.runIds(versionDir)) {
        if (id != runId && (base.isEmpty() || id != base.getAsLong())) {
          OnlineLayout.deleteTree(OnlineLayout.runDir(versionDir, id));
        }
      }
    } catch (IOException e) {
      LOG.warn("view '{}': run {} is published, but removing old runs failed ({}); the next run retries",
          view, runId, e.getMessage());
    }
  }

  /** Abandons the run: deletes its files and releases the lock. The served data is untouched. Idempotent. */
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    if (spilling != null) {
      Tasks.join(spilling);
      spilling = null;
    }
    buffer = null;
    spare = null;
    try {
      OnlineLayout.deleteTree(tmpDir);
      OnlineLayout.deleteTree(runDir);
    } catch (IOException e) {
      LOG.warn("view '{}': could not remove the aborted run's files ({}); the next run removes them", view, e.getMessage());
    }
    try {
      lock.close();
    } catch (IOException e) {
      LOG.warn("view '{}': releasing the lock failed: {}", view, e.getMessage());
    }
  }

  /** Aborts the run unless it was committed. */
  @Override
  public void close() {
    abort();
  }

  private IOException failed(String step, IOException e) {
    String cause = e.getMessage() == null ? e.toString() : e.getMessage();
    if (cause.contains("No space left") || cause.contains("ENOSPC")) {
      cause = "the disk is full (" + cause + ")";
    }
    String served = base.isPresent() ? "run " + base.getAsLong() + " is still served" : "nothing was published";
    return new IOException("online materialization of view '" + view + "' v" + viewVersion + " failed while "
        + step + ": " + cause + "; the served data is unchanged (" + served + ")", e);
  }
}
