package dev.larder.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A load generator for unary gRPC calls, in the two modes that answer different questions.
 *
 * <p><b>Open loop</b> ("what latency at this rate?"): every client sends on a fixed schedule, whatever the
 * server does, and a call's latency is measured from its <i>intended</i> send time. A stalled server therefore
 * shows up as the latency of every call that should have been sent meanwhile, instead of silently lowering the
 * rate (coordinated omission). The sender parks until shortly before the intended time and spins the rest, so
 * its own wake-up jitter stays in the tens of microseconds.
 *
 * <p><b>Closed loop</b> ("how many calls per second at most?"): a fixed number of calls is kept outstanding;
 * each completion immediately issues the next one. Latency is from the actual send.
 *
 * <p>In both modes the calls intended (sent) between the end of the warm-up and the end are measured, however
 * late they are answered (up to a 10 s grace period, after which they count as errors).
 */
final class Load {
  /** Issues one asynchronous call for client {@code client}. */
  interface Rpc {
    ListenableFuture<?> call(int client);
  }

  /**
   * How load is applied: open loop at {@code rate} calls/s in total, or closed loop with {@code outstanding}.
   * An open-loop run first spends {@code burstSeconds} in closed loop, unmeasured: at 100 calls/s a warm-up sends
   * too few calls for the JIT compiler to compile the request path, and the run would measure compilation.
   */
  record Shape(boolean open, double rate, int clients, int outstanding, double burstSeconds, double warmupSeconds,
               double seconds) {
    String describe() {
      return open
          ? String.format(java.util.Locale.ROOT, "open loop %.0f req/s, %d clients", rate, clients)
          : String.format(java.util.Locale.ROOT, "closed loop %d outstanding, %d clients", outstanding, clients);
    }
  }

  /** What a run measured. Latencies are in microseconds in {@code histogram}. */
  record Result(long ok, long errors, Map<String, Long> errorsByCode, double seconds, Histogram histogram,
                long[] cpuNanos, long[] startReadings) {
    double throughput() {
      return ok / seconds;
    }

    double percentileMs(double p) {
      return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(p) / 1000.0;
    }

    double maxMs() {
      return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("ok", ok);
      m.put("errors", errors);
      m.put("errors_by_code", errorsByCode);
      m.put("seconds", seconds);
      m.put("throughput_per_s", throughput());
      m.put("p50_ms", percentileMs(50));
      m.put("p90_ms", percentileMs(90));
      m.put("p99_ms", percentileMs(99));
      m.put("p999_ms", percentileMs(99.9));
      m.put("max_ms", maxMs());
      m.put("mean_ms", histogram.getTotalCount() == 0 ? null : histogram.getMean() / 1000.0);
      m.put("cpu_seconds_while_measuring", java.util.Arrays.stream(cpuNanos).mapToObj(n -> n < 0 ? null : n / 1e9).toList());
      return m;
    }

    /** CPU microseconds per answered call of the process whose clock was {@code clocks[i]}, NaN if unknown. */
    double cpuMicrosPerCall(int i) {
      return perCall(i) / 1e3;
    }

    /** How much counter {@code i} (a clock passed to {@link #run}) grew per answered call, NaN if unknown. */
    double perCall(int i) {
      return cpuNanos[i] < 0 || ok == 0 ? Double.NaN : (double) cpuNanos[i] / ok;
    }
  }

  private static final ScheduledExecutorService RETRY = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "load-retry");
    t.setDaemon(true);
    return t;
  });

  private final Rpc rpc;
  private final Shape shape;
  private final java.util.function.LongSupplier[] cpuClocks;
  private final Recorder recorder = new Recorder(3_600_000_000L, 3);
  private final LongAdder ok = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong lastCompletion = new AtomicLong(Long.MIN_VALUE);
  private long measureStart;
  private long end;

  private Load(Rpc rpc, Shape shape, java.util.function.LongSupplier[] cpuClocks) {
    this.rpc = rpc;
    this.shape = shape;
    this.cpuClocks = cpuClocks;
  }

  /**
   * Applies the load; each of {@code cpuClocks} (a process's CPU time in nanoseconds, or any other counter that
   * only grows, negative if unknown) is read when measuring starts and ends, so the result can say what each
   * process spent per call.
   */
  static Result run(Rpc rpc, Shape shape, java.util.function.LongSupplier... cpuClocks) throws InterruptedException {
    return new Load(rpc, shape, cpuClocks).run();
  }

  private Result run() throws InterruptedException {
    if (shape.open() && shape.burstSeconds() > 0) {
      new Load(rpc, new Shape(false, 0, shape.clients(), shape.outstanding(), 0, shape.burstSeconds(), 0),
          new java.util.function.LongSupplier[0]).run();
    }
    long start = System.nanoTime();
    measureStart = start + (long) (shape.warmupSeconds() * 1e9);
    end = measureStart + (long) (shape.seconds() * 1e9);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < shape.clients(); c++) {
      int client = c;
      Thread t = new Thread(() -> {
        if (shape.open()) {
          openLoop(client, start);
        } else {
          closedLoop(client);
        }
      }, "load-client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    long[] cpu = new long[cpuClocks.length];
    sleepUntil(measureStart);
    for (int i = 0; i < cpu.length; i++) {
      cpu[i] = cpuClocks[i].getAsLong();
    }
    long[] startReadings = cpu.clone();
    sleepUntil(end);
    for (int i = 0; i < cpu.length; i++) {
      long now = cpuClocks[i].getAsLong();
      cpu[i] = cpu[i] < 0 || now < 0 ? -1 : now - cpu[i];
    }
    for (Thread t : threads) {
      t.join();
    }
    // Calls still outstanding after the end get a grace period, then count as errors.
    long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (inFlight.get() > 0 && System.nanoTime() < graceEnd) {
      Thread.sleep(1);
    }
    long lost = inFlight.get();
    Map<String, Long> byCode = new TreeMap<>();
    errorsByCode.forEach((k, v) -> byCode.put(k, v.sum()));
    if (lost > 0) {
      byCode.merge("NO_ANSWER_AFTER_10S", lost, Long::sum);
    }
    // Throughput counts the calls sent in the window over the time it took to answer them all.
    long last = Math.max(end, lastCompletion.get());
    return new Result(ok.sum(), errors.sum() + lost, byCode, (last - measureStart) / 1e9,
        recorder.getIntervalHistogram(), cpu, startReadings);
  }

  private static void sleepUntil(long deadline) throws InterruptedException {
    long now;
    while ((now = System.nanoTime()) < deadline) {
      TimeUnit.NANOSECONDS.sleep(deadline - now);
    }
  }

  private void openLoop(int client, long start) {
    long interval = (long) (shape.clients() * 1e9 / shape.rate());
    long intended = start + (long) (client * 1e9 / shape.rate());
    while (intended < end) {
      waitUntil(intended);
      issue(client, intended);
      intended += interval;
    }
  }

  private void closedLoop(int client) {
    int mine = shape.outstanding() / shape.clients() + (client < shape.outstanding() % shape.clients() ? 1 : 0);
    for (int i = 0; i < mine; i++) {
      issueClosed(client);
    }
    // The chains run on the transport's threads; this thread only waits for the end.
    long now;
    while ((now = System.nanoTime()) < end) {
      LockSupport.parkNanos(end - now);
    }
  }

  private void issueClosed(int client) {
    long sent = System.nanoTime();
    if (sent >= end) {
      return;
    }
    issue(client, sent, () -> issueClosed(client));
  }

  private void issue(int client, long intended) {
    issue(client, intended, null);
  }

  private void issue(int client, long intended, Runnable next) {
    boolean measured = intended >= measureStart;
    ListenableFuture<?> f;
    inFlight.incrementAndGet();
    try {
      f = rpc.call(client);
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      if (measured) {
        countError(Status.fromThrowable(e));
      }
      return;
    }
    Futures.addCallback(f, new FutureCallback<Object>() {
      @Override
      public void onSuccess(Object result) {
        long now = System.nanoTime();
        if (measured) {
          // Late answers are recorded too: dropping them would hide exactly the slow calls.
          recorder.recordValue(Math.max(1, (now - intended) / 1000));
          ok.increment();
          lastCompletion.accumulateAndGet(now, Math::max);
        }
        inFlight.decrementAndGet();
        if (next != null) {
          next.run();
        }
      }

      @Override
      public void onFailure(Throwable t) {
        if (measured) {
          countError(Status.fromThrowable(t));
        }
        inFlight.decrementAndGet();
        if (next != null) {
          // A failing channel can fail calls synchronously; chaining directly would recurse without bound.
          RETRY.schedule(next, 1, TimeUnit.MILLISECONDS);
        }
      }
    }, MoreExecutors.directExecutor());
  }

  private void countError(Status status) {
    errors.increment();
    errorsByCode.computeIfAbsent(status.getCode().name(), k -> new LongAdder()).increment();
  }

  /** Parks until 100 µs before {@code deadline}, then spins: parking alone overshoots by ~60 µs on Linux. */
  private static void waitUntil(long deadline) {
    long spinFrom = deadline - 100_000;
    long now;
    while ((now = System.nanoTime()) < spinFrom) {
      LockSupport.parkNanos(spinFrom - now);
    }
    while (System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }
}
