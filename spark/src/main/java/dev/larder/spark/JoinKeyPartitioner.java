package dev.larder.spark;

import java.util.Arrays;
import org.apache.spark.Partitioner;

/** Co-partitions a view's history and the entity rows by a hash of the encoded join key only. */
final class JoinKeyPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int partitions;

  JoinKeyPartitioner(int partitions) {
    this.partitions = partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    return Math.floorMod(Arrays.hashCode(((JoinKey) key).key()) * 0x9E3779B9, partitions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JoinKeyPartitioner p && p.partitions == partitions;
  }

  @Override
  public int hashCode() {
    return partitions;
  }
}
