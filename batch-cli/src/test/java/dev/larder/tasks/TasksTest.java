package dev.larder.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A task's failure comes back as it was thrown, an interrupted wait says what it waited for, and stopping a
 * thread waits for it.
 */
class TasksTest {
  @Test
  void givesTheResultOrTheFailureAsItWasThrown() throws IOException {
    assertThat(Tasks.await(CompletableFuture.completedFuture(7), "adding")).isEqualTo(7);
    IOException io = new IOException("data/x.parquet row 3: bad");
    assertThatThrownBy(() -> Tasks.await(failed(io), "reading x")).isSameAs(io);
    IllegalStateException runtime = new IllegalStateException("broken");
    assertThatThrownBy(() -> Tasks.await(failed(runtime), "reading x")).isSameAs(runtime);
    assertThatThrownBy(() -> Tasks.await(failed(new Exception("odd")), "reading x"))
        .isInstanceOf(IOException.class).hasMessage("reading x failed: java.lang.Exception: odd");
  }

  @Test
  void anInterruptedWaitSaysWhatItWaitedFor() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> Tasks.await(new FutureTask<>(() -> 1), "writing out.parquet"))
        .isInstanceOf(InterruptedIOException.class).hasMessage("interrupted while writing out.parquet");
    assertThat(Thread.interrupted()).isTrue(); // the flag is kept for the caller (and cleared here)
  }

  @Test
  void stopWaitsForTheThreadEvenWhenTheCallerIsInterrupted() {
    // The thread ignores interrupts for a while, as a thread loading a native library or in a write does.
    AtomicBoolean ended = new AtomicBoolean();
    Thread t = new Thread(() -> {
      long until = System.nanoTime() + 200_000_000L;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      ended.set(true);
    });
    t.start();
    Thread.currentThread().interrupt();
    Tasks.stop(t);
    assertThat(ended).isTrue();
    assertThat(t.isAlive()).isFalse();
    assertThat(Thread.interrupted()).isTrue(); // the caller's interrupt is kept (and cleared here)
  }

  private static FutureTask<Object> failed(Exception e) {
    FutureTask<Object> t = new FutureTask<>(() -> {
      throw e;
    });
    t.run();
    return t;
  }
}
