package dev.larder.serving.metrics;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed upper bounds. Observations only touch striped adders, so recording
 * from many request threads does not contend; the cumulative form Prometheus wants is built at scrape time.
 */
public final class Histogram {
  /** Latency buckets in seconds, dense below a few milliseconds where the serving targets are. */
  public static final double[] LATENCY_SECONDS = {
      0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  public static final double[] ENTITY_COUNTS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};

  private final double[] bounds;
  private final LongAdder[] counts;
  private final DoubleAdder sum = new DoubleAdder();

  public Histogram(double[] bounds) {
    this.bounds = bounds.clone();
    this.counts = new LongAdder[bounds.length + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  public void observe(double value) {
    int i = 0;
    while (i < bounds.length && value > bounds[i]) {
      i++;
    }
    counts[i].increment();
    sum.add(value);
  }

  /** A consistent-enough copy for one scrape: cumulative counts per bound, the +Inf count last. */
  public Snapshot snapshot() {
    long[] cumulative = new long[counts.length];
    long running = 0;
    for (int i = 0; i < counts.length; i++) {
      running += counts[i].sum();
      cumulative[i] = running;
    }
    return new Snapshot(bounds, cumulative, sum.sum());
  }

  /** Cumulative bucket counts; {@code cumulative[bounds.length]} is the total count. */
  public record Snapshot(double[] bounds, long[] cumulative, double sum) {
    public long count() {
      return cumulative[cumulative.length - 1];
    }
  }
}
