package dev.larder.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The read-ahead thread hands batches over in order, passes its failure on, and is stopped for good by
 * {@link ReadAhead#close}: a CLI run that fails exits right after closing, and a reader still running then
 * printed a stack trace over the run's error message (it was loading zstd's native library at exit).
 */
class ReadAheadTest {
  @Test
  void handsOverBatchesInOrderThenTheEnd() throws IOException {
    int[] next = {0};
    try (ReadAhead<int[]> ahead = new ReadAhead<>(2, () -> new int[1], new Decoder() {
      @Override
      public int fill(int[] batch) {
        if (next[0] == 5) {
          return 0;
        }
        batch[0] = next[0]++;
        return 1;
      }
    }, "test-read", "numbers")) {
      for (int i = 0; i < 5; i++) {
        assertThat(ahead.next()[0]).isEqualTo(i);
      }
      assertThat(ahead.next()).isNull();
      assertThat(ahead.next()).isNull();
    }
  }

  @Test
  void passesOnAFailureNamingWhereItHappened() {
    try (ReadAhead<int[]> ahead = failing(() -> {
      throw new IllegalStateException("bad page");
    })) {
      assertThatThrownBy(ahead::next).isInstanceOf(IOException.class)
          .hasMessageContaining("data/a.parquet: ").hasMessageContaining("bad page");
    }
  }

  @Test
  void anErrorOnTheReaderThreadReachesTheCallerInsteadOfLeavingItWaiting() {
    try (ReadAhead<int[]> ahead = failing(() -> {
      throw new ExceptionInInitializerError("zstd native library");
    })) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(ahead::next)
          .isInstanceOf(IOException.class).hasMessageContaining("zstd native library")
          .hasRootCauseInstanceOf(ExceptionInInitializerError.class));
    }
  }

  /** A read-ahead whose decoder, at {@code data/a.parquet}, fails with what {@code failure} throws. */
  private static ReadAhead<int[]> failing(Runnable failure) {
    return new ReadAhead<>(2, () -> new int[1], new Decoder() {
      @Override
      public int fill(int[] batch) {
        failure.run();
        return 1;
      }

      @Override
      public String where() {
        return "data/a.parquet: ";
      }
    }, "test-read", "numbers");
  }

  @Test
  void closeFromAnInterruptedThreadWaitsUntilTheReaderHasStopped() throws Exception {
    CountDownLatch decoding = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    ReadAhead<int[]> ahead = new ReadAhead<>(1, () -> new int[1], new Decoder() {
      @Override
      public int fill(int[] batch) {
        if (decoding.getCount() == 0) {
          return 1; // later batches: instant, so the reader blocks on the queue
        }
        decoding.countDown();
        long until = System.nanoTime() + 300_000_000L; // deaf to interrupts, as native code is
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        return 1;
      }

      @Override
      public void finish() {
        finished.set(true);
      }
    }, "test-read", "numbers");
    Thread consumer = new Thread(() -> {
      try {
        ahead.next();
      } catch (IOException e) {
        // interrupted below, as a failing step's cleanup is
      }
      ahead.close();
    });
    consumer.start();
    decoding.await();
    consumer.interrupt();
    consumer.join();
    assertThat(finished).as("the reader thread ended before close returned").isTrue();
  }

  /** A decoder with nothing to report or release unless a test says otherwise. */
  private abstract static class Decoder implements ReadAhead.Decoder<int[]> {
    @Override
    public String where() {
      return "";
    }

    @Override
    public void finish() {}
  }
}
