package dev.larder.compute;

import dev.larder.aggregate.SlidingWindow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Computes all snapshots of one aggregation view in one pass over its events, within a heap budget.
 *
 * <p>Events are buffered in memory while they fit the budget; then (and only then) they are partitioned by a
 * hash of the entity key into {@link #FAN_OUT} spill files, so that every entity's events are in one file.
 * Each file is loaded, grouped by entity, sorted by time and aggregated with the {@link SlidingWindow} for
 * every as-of time at once. A file still too large is partitioned again with another hash; when that does
 * not help (one entity alone is too large), the run fails naming the entity.
 */
final class ViewComputation {
  static final int FAN_OUT = 16;
  static final int MAX_DEPTH = 3;

  /** What the computation of one view did. */
  record Result(long events, long entities, int spillPartitions) {}

  private final ViewJob job;
  private final Path repoDir;
  private final Path spillDir;
  private final long budget;
  private final long bytesPerEvent;
  private long entities;
  private int spillPartitions;

  /**
   * @param budget heap bytes the buffered events of one partition may take
   */
  ViewComputation(ViewJob job, Path repoDir, Path spillDir, long budget) {
    this.job = job;
    this.repoDir = repoDir;
    this.spillDir = spillDir;
    this.budget = budget;
    this.bytesPerEvent = Partition.bytesPerEvent(job.inputs());
  }

  Result run(long[] asOfs, SnapshotSet out, BadRows bad, LongConsumer progress) throws IOException {
    SlidingWindow window = new SlidingWindow(job.specs(), job.inputs());
    Buffering sink = new Buffering();
    long events;
    try {
      long longest = window.longestWindow();
      long from = longest == Long.MAX_VALUE || asOfs[0] < Long.MIN_VALUE + longest ? Long.MIN_VALUE
          : asOfs[0] - longest;
      long until = asOfs[asOfs.length - 1];
      java.util.OptionalLong columnar = ColumnarEvents.read(job, repoDir, from, until, bad, sink, progress);
      events = columnar.isPresent() ? columnar.getAsLong()
          : SourceEvents.read(job, repoDir, from, until, bad, sink, progress);
      if (sink.spill == null) {
        aggregate(sink.memory, window, asOfs, out);
      } else {
        sink.spill.close();
        aggregateSpilled(sink.spill, 0, window, asOfs, out);
      }
    } finally {
      if (sink.spill != null) {
        sink.spill.close();
        sink.spill.deleteAll();
      }
    }
    return new Result(events, entities, spillPartitions);
  }

  /** Buffers events in memory until they outgrow the budget, then sends everything to spill files. */
  private final class Buffering implements EventSink {
    Partition memory = new Partition(job.inputs(), 1024);
    SpillFiles spill;

    @Override
    public void accept(Object key, long time, Object[] projected) throws IOException {
      if (spill != null) {
        spill.accept(key, time, projected);
        return;
      }
      memory.accept(key, time, projected);
      spillIfOverBudget();
    }

    @Override
    public void accept(EventBatch batch) throws IOException {
      if (spill != null) {
        spill.accept(batch);
        return;
      }
      memory.accept(batch);
      spillIfOverBudget();
    }

    private void spillIfOverBudget() throws IOException {
      if (memory.estimatedBytes() > budget) {
        spill = new SpillFiles(job, spillDir, FAN_OUT, 0);
        spillPartitions += FAN_OUT;
        memory.drainTo(spill);
        memory = null;
      }
    }
  }

  private void aggregate(Partition p, SlidingWindow window, long[] asOfs, SnapshotSet out) throws IOException {
    entities += p.entities();
    p.aggregate(window, asOfs, out::sink);
  }

  private void aggregateSpilled(SpillFiles spill, int depth, SlidingWindow window, long[] asOfs, SnapshotSet out)
      throws IOException {
    for (int p = 0; p < spill.partitions(); p++) {
      long n = spill.events(p);
      if (n == 0) {
        spill.delete(p);
        continue;
      }
      // Entities unknown until loaded: assume one per two events; object values take at most the file's bytes.
      long estimate = n * (bytesPerEvent + Partition.BYTES_PER_ENTITY / 2) + java.nio.file.Files.size(spill.file(p));
      if (estimate > budget) {
        if (depth >= MAX_DEPTH) {
          throw entityTooLarge(spill, p);
        }
        try (SpillFiles sub = new SpillFiles(job, spillDir, FAN_OUT, depth + 1)) {
          spillPartitions += FAN_OUT;
          spill.replay(p, sub);
          sub.close();
          spill.delete(p);
          aggregateSpilled(sub, depth + 1, window, asOfs, out);
        }
        continue;
      }
      Partition part = new Partition(job.inputs(), (int) n);
      spill.replay(p, part);
      spill.delete(p);
      aggregate(part, window, asOfs, out);
    }
  }

  private IOException entityTooLarge(SpillFiles spill, int p) throws IOException {
    Map<Object, long[]> counts = new HashMap<>();
    spill.replay(p, (key, time, projected) -> counts.computeIfAbsent(key, k -> new long[1])[0]++);
    Map.Entry<Object, long[]> top = counts.entrySet().stream()
        .max((a, b) -> Long.compare(a.getValue()[0], b.getValue()[0])).orElseThrow();
    long mb = top.getValue()[0] * bytesPerEvent >> 20;
    return new IOException("view '" + job.name() + "': entity " + job.keyNames() + " = " + top.getKey() + " has "
        + top.getValue()[0] + " events, whose state (about " + mb + " MB) does not fit the heap budget of "
        + (budget >> 20) + " MB (max heap " + (Runtime.getRuntime().maxMemory() >> 20)
        + " MB); run with a larger heap (JAVA_OPTS=-Xmx...) or exclude the entity from the source");
  }
}
