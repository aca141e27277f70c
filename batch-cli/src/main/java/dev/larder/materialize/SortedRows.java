package dev.larder.materialize;

import java.io.IOException;

/** A stream of (entity key, encoded row) pairs in ascending key order, one row per key; an input of the merge. */
interface SortedRows extends AutoCloseable {
  /** Moves to the next pair; false at the end. */
  boolean next() throws IOException;

  byte[] key();

  byte[] row();

  @Override
  void close() throws IOException;
}
