package dev.larder.spark;

import java.io.Serializable;

/** One row of a compute run's output on its way to the driver: as-of index, entity key values, aggregates. */
record SnapshotRow(int asOf, Object[] keyValues, Object[] values) implements Serializable {}
