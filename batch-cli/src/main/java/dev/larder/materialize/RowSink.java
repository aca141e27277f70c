package dev.larder.materialize;

import java.io.IOException;

/** Where the merge delivers a run's rows, in key order. */
interface RowSink {
  void put(byte[] key, byte[] row) throws IOException;
}
