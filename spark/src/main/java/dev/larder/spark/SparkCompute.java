package dev.larder.spark;

import dev.larder.compute.Compute;
import dev.larder.compute.DistributedRun;
import dev.larder.compute.DistributedView;
import dev.larder.registry.ProjectConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * {@code compute} on Spark. Per aggregation view, three stages:
 *
 * <ol>
 *   <li>read: one task per source file, with the embedded engine's readers and bad-row rules (only the columns
 *       the view needs are decoded); each good event becomes (entity key, time, read order) and its inputs;
 *   <li>shuffle: events are hash-partitioned by entity key and sorted within each partition by key, time and
 *       read order (Spark's sort shuffle, which spills to disk);
 *   <li>aggregate: each task streams its sorted events entity by entity through the shared sliding window
 *       ({@link DistributedView.Aggregator}), holding one entity's events at a time.
 * </ol>
 *
 * The rows are kept by Spark (memory, then disk) and streamed to the driver one partition at a time, where the
 * embedded engine's snapshot writers and publish phase ({@link DistributedRun}) write and commit them: same
 * files, same schema, same commit protocol. That last step runs on one machine: see docs/spark.md.
 */
public final class SparkCompute {
  private final SparkSession spark;
  private final int partitions;

  /** @param partitions shuffle partitions; 0 takes Spark's default parallelism */
  public SparkCompute(SparkSession spark, int partitions) {
    this.spark = spark;
    this.partitions = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
  }

  public Compute.Summary run(ProjectConfig config, Compute.Request request, PrintStream log) throws IOException {
    try (DistributedRun run = DistributedRun.open(config, request, log)) {
      for (DistributedView view : run.views()) {
        computeView(run, view);
      }
      return run.publish();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // A failed task reaches the driver as a SparkException (checked, thrown by Scala code undeclared); our own
      // error inside names the file, row and column, and is the message the embedded engine gives.
      throw SparkFailures.unwrap(e);
    }
  }

  private void computeView(DistributedRun run, DistributedView view) throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    sc.setJobGroup("larder-compute-" + view.name(), "larder compute " + view.name(), false);
    LongAccumulator entities = sc.sc().longAccumulator("entities " + view.name());
    CollectionAccumulator<DistributedView.FileResult> reads = sc.sc().collectionAccumulator("reads " + view.name());
    List<Integer> files = IntStream.range(0, view.files()).boxed().toList();
    JavaPairRDD<EventKey, Object[]> events = sc.parallelize(files, Math.max(1, files.size()))
        .flatMapToPair(file -> readEvents(view, file, reads));
    JavaRDD<SnapshotRow> rows = events
        .repartitionAndSortWithinPartitions(new EntityPartitioner(partitions), EventKey.ORDER)
        .mapPartitions(sorted -> aggregate(view, sorted, entities));
    rows.persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      rows.count(); // computes every partition in parallel; the driver then only reads them back
      DistributedRun.Output out = run.output(view);
      Iterator<SnapshotRow> it = rows.toLocalIterator();
      while (it.hasNext()) {
        SnapshotRow r = it.next();
        out.accept(r.asOf(), r.keyValues(), r.values());
      }
      long good = 0;
      Map<String, Long> skipped = new TreeMap<>();
      for (DistributedView.FileResult f : reads.value()) {
        good += f.events();
        f.skipped().forEach((reason, n) -> skipped.merge(reason, n, Long::sum));
      }
      out.finish(good, entities.value(), skipped);
    } finally {
      rows.unpersist(false);
    }
  }

  /** The read stage of one file, pulled by Spark one event at a time. */
  private static Iterator<Tuple2<EventKey, Object[]>> readEvents(DistributedView view, int file,
      CollectionAccumulator<DistributedView.FileResult> reads) throws IOException {
    DistributedView.Events in = view.readFile(file);
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> close(in));
    }
    return new Iterator<>() {
      private Boolean ahead;

      @Override
      public boolean hasNext() {
        if (ahead == null) {
          try {
            ahead = in.next();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          if (!ahead) {
            reads.add(in.result());
            close(in);
          }
        }
        return ahead;
      }

      @Override
      public Tuple2<EventKey, Object[]> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ahead = null;
        return new Tuple2<>(new EventKey(in.key(), in.time(), in.sequence()), in.projected());
      }
    };
  }

  private static void close(DistributedView.Events in) {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The aggregate stage of one partition: entity by entity, rows out as each entity completes. */
  private static Iterator<SnapshotRow> aggregate(DistributedView view, Iterator<Tuple2<EventKey, Object[]>> sorted,
                                                 LongAccumulator entities) throws IOException {
    DistributedView.Aggregator aggregator = view.aggregator();
    ArrayDeque<SnapshotRow> ready = new ArrayDeque<>();
    DistributedView.RowConsumer sink = (asOf, keyValues, values) ->
        ready.add(new SnapshotRow(asOf, keyValues, values.clone()));
    return new Iterator<>() {
      private boolean done;

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && !done) {
          if (sorted.hasNext()) {
            Tuple2<EventKey, Object[]> e = sorted.next();
            aggregator.add(e._1().key(), e._1().time(), e._2(), sink);
          } else {
            aggregator.finish(sink);
            entities.add(aggregator.entities());
            done = true;
          }
        }
        return !ready.isEmpty();
      }

      @Override
      public SnapshotRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }
    };
  }
}
