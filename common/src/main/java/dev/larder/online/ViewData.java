package dev.larder.online;

import java.io.IOException;
import java.util.List;

/**
 * One served run of one view version, held by a reader for the length of a request. It exists so that a
 * materialization can publish a new run while requests are in flight: the handle pins the run it was
 * acquired on, and the run's RocksDB is closed only after its last handle is closed.
 */
public interface ViewData extends AutoCloseable {
  /** Data version: increases with each materialization of the view. */
  long runId();

  /**
   * The run's features by name and type, in row order. Readers compare it with the registry's view: after a
   * non-breaking reorder or insertion of features, rows of a run written before it hold the old order.
   * Null for a run written without names (rows then follow the writer's positional types).
   */
  FeatureLayout features();

  /** One RocksDB multiGet for all keys (encoded by {@link EntityKeyCodec}); {@code result[i]} null when missing. */
  byte[][] multiGet(List<byte[]> keys) throws IOException;

  /** Releases the reference; the old RocksDB is closed once unreferenced after a swap. Idempotent. */
  @Override
  void close();
}
