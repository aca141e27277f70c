package dev.larder.spark;

import dev.larder.registry.ProjectConfig;
import dev.larder.training.DistributedTrainingSet;
import dev.larder.training.TrainingSetRequest;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.TaskCompletionListener;
import scala.Tuple2;

/**
 * {@code training-set} on Spark. The entity rows are numbered in input order (one read task). Per view, the
 * entity rows and the view's history (one read task per snapshot or source file) are co-partitioned by the
 * shared encoding of the join key and sorted by key, time and side; each task then walks its keys in time order
 * with {@link DistributedTrainingSet.Winner}, the shared point-in-time rule holding one candidate per key, so a
 * hot key costs time but not memory (Spark's sort spills). Finally the entity rows and every view's matches are
 * range-partitioned and sorted by row number and streamed to the driver, which writes the output in input order
 * with the embedded engine's writer and atomic rename.
 */
public final class SparkTrainingSet {
  private final SparkSession spark;
  private final int partitions;

  /** @param partitions shuffle partitions; 0 takes Spark's default parallelism */
  public SparkTrainingSet(SparkSession spark, int partitions) {
    this.spark = spark;
    this.partitions = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
  }

  /** Builds the training set; returns the number of rows written. */
  public long run(ProjectConfig config, TrainingSetRequest request) throws IOException {
    DistributedTrainingSet set = new DistributedTrainingSet(config, request);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    sc.setJobGroup("larder-training-set", "larder training-set " + request.out(), false);
    JavaPairRDD<Long, Object[]> entities = sc.parallelize(List.of(0), 1)
        .flatMapToPair(ignored -> numbered(set))
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      JavaPairRDD<RowPart, Object[]> parts = entities.mapToPair(e -> new Tuple2<>(new RowPart(e._1(), -1), e._2()));
      for (int v = 0; v < set.views(); v++) {
        parts = parts.union(join(sc, set, v, entities));
      }
      int width = set.outputSchema().size();
      long count = entities.count();
      Iterator<Object[]> rows = parts
          .repartitionAndSortWithinPartitions(new RowRangePartitioner(count, partitions), RowPart.ORDER)
          .mapPartitions(sorted -> assemble(set, width, sorted))
          .toLocalIterator();
      return set.write(rows);
    } catch (IOException | RuntimeException e) {
      IOException ours = dev.larder.compute.DistributedView.cause(e);
      if (ours != null && ours != e) {
        throw new IOException(ours.getMessage(), e);
      }
      throw e;
    } catch (Exception e) {
      throw SparkFailures.unwrap(e);
    } finally {
      entities.unpersist(false);
    }
  }

  /** One view's matches: for every entity row with a non-null key, its features (null values: no match). */
  private JavaPairRDD<RowPart, Object[]> join(JavaSparkContext sc, DistributedTrainingSet set, int view,
                                             JavaPairRDD<Long, Object[]> entities) throws IOException {
    List<Integer> parts = IntStream.range(0, set.historyParts(view)).boxed().toList();
    JavaPairRDD<JoinKey, Object[]> history = sc.parallelize(parts, Math.max(1, parts.size()))
        .flatMapToPair(part -> history(set, view, part));
    JavaPairRDD<JoinKey, Object[]> rows = entities.flatMapToPair(e -> {
      byte[] key = set.entityKey(view, e._2());
      return key == null ? java.util.Collections.emptyIterator()
          : List.of(new Tuple2<>(new JoinKey(key, set.entityTime(e._2()), JoinKey.ENTITY, e._1()), (Object[]) null))
              .iterator();
    });
    return history.union(rows)
        .repartitionAndSortWithinPartitions(new JoinKeyPartitioner(partitions), JoinKey.ORDER)
        .mapPartitionsToPair(sorted -> match(set, view, sorted));
  }

  private static Iterator<Tuple2<Long, Object[]>> numbered(DistributedTrainingSet set) throws IOException {
    RowReader in = set.openEntities();
    closeWithTask(in);
    return new Iterator<>() {
      private Object[] next;
      private long row;

      @Override
      public boolean hasNext() {
        if (next == null) {
          try {
            next = in.next();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        return next != null;
      }

      @Override
      public Tuple2<Long, Object[]> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Object[] r = next;
        next = null;
        return new Tuple2<>(row++, r);
      }
    };
  }

  /** History rows carry the times, read order and features in one value: {event, created, seq, f1, f2...}. */
  private static Iterator<Tuple2<JoinKey, Object[]>> history(DistributedTrainingSet set, int view, int part)
      throws IOException {
    List<AutoCloseable> open = new ArrayList<>();
    Iterator<DistributedTrainingSet.HistoryRow> in = set.openHistory(view, part, open);
    open.forEach(SparkTrainingSet::closeWithTask);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return in.hasNext();
      }

      @Override
      public Tuple2<JoinKey, Object[]> next() {
        DistributedTrainingSet.HistoryRow h = in.next();
        return new Tuple2<>(new JoinKey(h.key(), h.availableAt(), JoinKey.HISTORY, h.sequence()),
            new Object[] {h.eventTs(), h.createdTs(), h.features()});
      }
    };
  }

  /** Walks the sorted keys of one partition with the shared rule; emits each entity row's features. */
  private static Iterator<Tuple2<RowPart, Object[]>> match(DistributedTrainingSet set, int view,
                                                           Iterator<Tuple2<JoinKey, Object[]>> sorted)
      throws IOException {
    DistributedTrainingSet.Winner winner = new DistributedTrainingSet.Winner(set, view);
    Object[] none = new Object[set.width(view)];
    return new Iterator<>() {
      private byte[] key;
      private Tuple2<RowPart, Object[]> next;

      @Override
      public boolean hasNext() {
        while (next == null && sorted.hasNext()) {
          Tuple2<JoinKey, Object[]> e = sorted.next();
          JoinKey k = e._1();
          if (key == null || !java.util.Arrays.equals(key, k.key())) {
            winner.reset();
            key = k.key();
          }
          if (k.side() == JoinKey.HISTORY) {
            Object[] v = e._2();
            winner.offer(new DistributedTrainingSet.HistoryRow(k.key(), k.time(), (Long) v[0], (Long) v[1],
                k.order(), (Object[]) v[2]));
          } else {
            Object[] features = winner.at(k.time());
            next = new Tuple2<>(new RowPart(k.order(), view), features == null ? none : features);
          }
        }
        return next != null;
      }

      @Override
      public Tuple2<RowPart, Object[]> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Tuple2<RowPart, Object[]> r = next;
        next = null;
        return r;
      }
    };
  }

  /** Puts each row together from its pieces, sorted by row then view: entity columns, then each view's. */
  private static Iterator<Object[]> assemble(DistributedTrainingSet set, int width,
                                             Iterator<Tuple2<RowPart, Object[]>> sorted) throws IOException {
    int views = set.views();
    int[] offset = new int[views + 1];
    offset[views] = width;
    for (int v = views - 1; v >= 0; v--) {
      offset[v] = offset[v + 1] - set.width(v);
    }
    return new Iterator<>() {
      private Tuple2<RowPart, Object[]> pending;

      @Override
      public boolean hasNext() {
        return pending != null || sorted.hasNext();
      }

      @Override
      public Object[] next() {
        if (pending == null) {
          pending = sorted.next();
        }
        if (pending._1().view() != -1) {
          throw new IllegalStateException("features of row " + pending._1().row() + " without its entity row");
        }
        Object[] entity = pending._2();
        Object[] row = new Object[width];
        System.arraycopy(entity, 0, row, 0, entity.length);
        long number = pending._1().row();
        pending = null;
        while (sorted.hasNext()) {
          Tuple2<RowPart, Object[]> p = sorted.next();
          if (p._1().row() != number) {
            pending = p;
            break;
          }
          Object[] f = p._2();
          System.arraycopy(f, 0, row, offset[p._1().view()], f.length);
        }
        return row;
      }
    };
  }

  private static void closeWithTask(AutoCloseable c) {
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) ctx -> {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }
  }
}
