package dev.larder.compute;

import java.io.IOException;

/** Receives valid events of one view: entity key, event time (micros) and projected aggregation inputs. */
interface EventSink {
  /** @param projected values per {@link dev.larder.aggregate.Inputs input}; the array may be reused after */
  void accept(Object key, long time, Object[] projected) throws IOException;

  /** Receives a batch of events; by default one at a time, boxed. The batch may be reused after. */
  default void accept(EventBatch batch) throws IOException {
    Object[] projected = new Object[batch.inputs.size()];
    for (int e = 0; e < batch.size; e++) {
      for (int i = 0; i < projected.length; i++) {
        projected[i] = batch.value(i, e);
      }
      accept(batch.key(e), batch.times[e], projected);
    }
  }
}
