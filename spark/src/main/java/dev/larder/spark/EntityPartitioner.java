package dev.larder.spark;

import java.util.Arrays;
import org.apache.spark.Partitioner;

/**
 * Sends all events of one entity to one partition: a hash of the encoded entity key only (not of the time), so
 * that one task sees every event of each of its entities.
 */
final class EntityPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int partitions;

  EntityPartitioner(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be positive, got " + partitions);
    }
    this.partitions = partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    byte[] bytes = key instanceof EventKey e ? e.key() : (byte[]) key;
    return Math.floorMod(Arrays.hashCode(bytes) * 0x9E3779B9, partitions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EntityPartitioner p && p.partitions == partitions;
  }

  @Override
  public int hashCode() {
    return partitions;
  }
}
