package dev.larder.compute;

import java.io.IOException;

/** Receives valid events of one view: entity key, event time (micros) and projected aggregation inputs. */
interface EventSink {
  /** @param projected values per {@link dev.larder.aggregate.Inputs input}; the array may be reused after */
  void accept(Object key, long time, Object[] projected) throws IOException;
}
