package dev.larder.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

/** A task's failure comes back as it was thrown, and an interrupted wait says what it waited for. */
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

  private static FutureTask<Object> failed(Exception e) {
    FutureTask<Object> t = new FutureTask<>(() -> {
      throw e;
    });
    t.run();
    return t;
  }
}
