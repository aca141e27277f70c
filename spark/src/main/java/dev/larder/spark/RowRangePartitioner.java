package dev.larder.spark;

import org.apache.spark.Partitioner;

/**
 * Splits entity rows 0..n-1 into consecutive ranges, all pieces of one row in one partition, so that the
 * partitions in order, each sorted, are the output in input order.
 */
final class RowRangePartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final long rows;
  private final int partitions;

  RowRangePartitioner(long rows, int partitions) {
    this.rows = Math.max(1, rows);
    this.partitions = partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    long row = ((RowPart) key).row();
    return (int) Math.min(partitions - 1, (long) ((double) row * partitions / rows));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowRangePartitioner p && p.rows == rows && p.partitions == partitions;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(rows) * 31 + partitions;
  }
}
