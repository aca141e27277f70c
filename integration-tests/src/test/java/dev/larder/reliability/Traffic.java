package dev.larder.reliability;

import dev.larder.it.ServerHandle;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.HdrHistogram.Recorder;

/**
 * A steady stream of lookups against a running server on its own thread, counting failed requests and answers
 * that break the caller's rule (e.g. "equal to the answer before the fault"). Latency goes to an HdrHistogram.
 */
final class Traffic implements AutoCloseable {
  final AtomicLong requests = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong wrongAnswers = new AtomicLong();
  final AtomicReference<Throwable> firstError = new AtomicReference<>();
  final AtomicReference<GetOnlineFeaturesResponse> firstWrong = new AtomicReference<>();
  final Recorder latency = new Recorder(3);
  private volatile ServerHandle server;
  private volatile Predicate<GetOnlineFeaturesResponse> rule;
  private final long pauseNanos;
  private final Thread thread;
  /** A flag, not an interrupt: interrupting a blocking gRPC call would cancel it and count as a failure. */
  private volatile boolean stopped;

  /** @param perSecond target request rate (0 = as fast as one thread can go) */
  Traffic(ServerHandle server, Predicate<GetOnlineFeaturesResponse> rule, int perSecond) {
    this.server = server;
    this.rule = rule;
    this.pauseNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
    this.thread = new Thread(this::loop, "traffic");
    thread.setDaemon(true);
    thread.start();
  }

  void rule(Predicate<GetOnlineFeaturesResponse> rule) {
    this.rule = rule;
  }

  void server(ServerHandle server) {
    this.server = server;
  }

  private void loop() {
    long next = System.nanoTime();
    while (!stopped) {
      long start = System.nanoTime();
      try {
        GetOnlineFeaturesResponse r = Fixture.lookup(server);
        latency.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
        if (!rule.test(r)) {
          wrongAnswers.incrementAndGet();
          firstWrong.compareAndSet(null, r);
        }
      } catch (RuntimeException e) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, e);
      }
      requests.incrementAndGet();
      if (pauseNanos > 0) {
        next += pauseNanos;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          try {
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
          } catch (InterruptedException e) {
            return;
          }
        } else if (sleep < -1_000_000_000L) {
          next = System.nanoTime(); // fell far behind (e.g. a GC pause); do not burst to catch up
        }
      }
    }
  }

  String summary() {
    return requests.get() + " requests, " + errors.get() + " failed (first: " + firstError.get() + "), "
        + wrongAnswers.get() + " wrong answers";
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.join(15_000);
  }
}
