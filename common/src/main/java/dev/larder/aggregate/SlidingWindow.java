package dev.larder.aggregate;

import dev.larder.core.v1.Aggregation;
import java.util.Arrays;
import java.util.List;

/**
 * Computes the aggregations of one view for one entity at many as-of times in a single pass over the entity's
 * time-sorted events (Larder's equivalent of Chronon's sliding-window aggregator).
 *
 * <p>Semantics: the snapshot at as-of time T aggregates the events with {@code T - window <= time < T}
 * (lifetime: {@code time < T}). The entity has a row at T when at least one of its events, filtered or not,
 * lies in the longest window of the view. Counts of an empty window are 0; other functions give null.
 *
 * <p>Algorithm: a head pointer adds the events before T to every aggregation; one tail pointer per distinct
 * window length evicts the events that fell out of that window. As-of times are ascending, so both only move
 * forward: the cost is O(events + as-of times) per aggregation, whatever the window length. An event that is
 * already older than a window when the head reaches it is skipped by that window's aggregations instead of
 * being added and evicted (a one-day window of a single snapshot skips almost every event).
 *
 * <p>Memory per entity: the entity's events in the {@link EventBlock}, plus per aggregation O(1) for count,
 * sum and avg of integers and for last; one primitive per event for sum/avg/min/max of floating point and
 * min/max of integers and timestamps (two-stack queue); one reference per event for min/max of strings; and a
 * map of the distinct values in the window for count_distinct.
 *
 * <p>Not thread-safe; one instance per thread.
 */
public final class SlidingWindow {
  private final List<AggregateSpec> specs;
  private final Accumulator[] accumulators;
  private final long[] windows;
  private final int[] windowOf;
  private final int longest;
  private final int[][] specsOf;
  private final int[] tails;
  private final long[] lowers;
  private final Object[] row;

  public SlidingWindow(List<AggregateSpec> specs, Inputs inputs) {
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("an aggregation view needs at least one aggregation");
    }
    this.specs = List.copyOf(specs);
    this.accumulators = new Accumulator[specs.size()];
    this.windows = specs.stream().mapToLong(AggregateSpec::windowMicros).distinct().sorted().toArray();
    this.windowOf = new int[specs.size()];
    for (int s = 0; s < specs.size(); s++) {
      accumulators[s] = accumulatorFor(specs.get(s), inputs.inputOf(s), inputs.input(inputs.inputOf(s)).kind());
      windowOf[s] = Arrays.binarySearch(windows, specs.get(s).windowMicros());
    }
    this.longest = windows.length - 1;
    this.specsOf = new int[windows.length][];
    for (int w = 0; w < windows.length; w++) {
      int window = w;
      specsOf[w] = java.util.stream.IntStream.range(0, specs.size()).filter(s -> windowOf[s] == window).toArray();
    }
    this.tails = new int[windows.length];
    this.lowers = new long[windows.length];
    this.row = new Object[specs.size()];
  }

  public List<AggregateSpec> specs() {
    return specs;
  }

  /** The longest window in microseconds ({@link Long#MAX_VALUE} for lifetime). */
  public long longestWindow() {
    return windows[longest];
  }

  /** Receives the aggregates of one entity at one as-of time. */
  @FunctionalInterface
  public interface Sink {
    /**
     * @param asOf index into the as-of times passed to {@link #run}
     * @param values the aggregates in spec order; the array is reused after the call returns
     */
    void accept(int asOf, Object[] values);
  }

  /**
   * Aggregates one entity's events at every as-of time.
   *
   * @param order block indexes of the entity's events at positions [from, to), ascending by time with ties in
   *     input order; null means the block indexes are the positions themselves
   * @param asOfs as-of times in microseconds, ascending
   */
  public void run(EventBlock block, int[] order, int from, int to, long[] asOfs, Sink sink) {
    for (Accumulator a : accumulators) {
      a.reset(block, order, from, to);
    }
    Arrays.fill(tails, from);
    int head = from;
    for (int t = 0; t < asOfs.length; t++) {
      long asOf = asOfs[t];
      for (int w = 0; w < windows.length; w++) {
        lowers[w] = windows[w] == Long.MAX_VALUE ? Long.MIN_VALUE : asOf - windows[w];
        int tail = tails[w];
        while (tail < head && block.time(order == null ? tail : order[tail]) < lowers[w]) {
          for (int s : specsOf[w]) {
            accumulators[s].evict(tail);
          }
          tail++;
        }
        tails[w] = tail;
      }
      while (head < to) {
        long time = block.time(order == null ? head : order[head]);
        if (time >= asOf) {
          break;
        }
        for (int w = 0; w < windows.length; w++) {
          if (time < lowers[w]) {
            // Already older than this window (so the window is empty): the event would enter and leave at once.
            for (int s : specsOf[w]) {
              accumulators[s].skip(head);
            }
            tails[w] = head + 1;
          } else {
            for (int s : specsOf[w]) {
              accumulators[s].add(head);
            }
          }
        }
        head++;
      }
      if (head > tails[longest]) {
        for (int s = 0; s < accumulators.length; s++) {
          row[s] = accumulators[s].result();
        }
        sink.accept(t, row);
      }
    }
  }

  private static Accumulator accumulatorFor(AggregateSpec spec, int input, Inputs.Kind kind) {
    Aggregation.Function f = spec.function();
    return switch (f) {
      case COUNT -> new Accumulator.Count(input);
      case COUNT_DISTINCT -> new DistinctCount(input, kind);
      case LAST -> new Accumulator.Last(input, spec.inputType());
      case SUM, AVG -> kind == Inputs.Kind.LONG
          ? new Accumulator.LongSum(input, f == Aggregation.Function.AVG)
          : new DoubleRange(input, f, spec.inputType());
      case MIN, MAX -> switch (kind) {
        case LONG -> new LongRange(input, f == Aggregation.Function.MAX, spec.inputType());
        case DOUBLE -> new DoubleRange(input, f, spec.inputType());
        default -> new ObjectRange(input, f == Aggregation.Function.MAX);
      };
      default -> throw new IllegalArgumentException("feature '" + spec.name() + "': no aggregation function");
    };
  }
}
