package dev.larder.tasks;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waiting for work handed to another thread, the way every batch step does it: the task's failure comes back
 * as it was thrown (an {@link IOException} naming the file, a runtime exception, an error) rather than wrapped
 * in an {@link ExecutionException}, and an interrupted wait says what it was waiting for. Threads are stopped
 * with {@link #stop}, which really waits: a cleanup that returned early would let the process exit while the
 * thread still reads or writes.
 */
public final class Tasks {
  private Tasks() {}

  /**
   * The task's result, once it is done.
   *
   * @param doing what the task does, for messages ("writing out.parquet")
   */
  public static <T> T await(Future<T> task, String doing) throws IOException {
    try {
      return task.get();
    } catch (ExecutionException e) {
      throw failure(e, doing);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + doing);
    }
  }

  /**
   * The cause of a failed task, to throw: unchecked causes are thrown from here as they were, an
   * {@link IOException} is returned as it was, any other checked cause wrapped in one.
   */
  public static IOException failure(ExecutionException e, String doing) {
    Throwable cause = e.getCause();
    if (cause instanceof IOException io) {
      return io;
    } else if (cause instanceof RuntimeException re) {
      throw re;
    } else if (cause instanceof Error err) {
      throw err;
    }
    return new IOException(doing + " failed: " + cause, cause);
  }

  /**
   * Interrupts {@code thread} and waits until it has ended, even when the calling thread is itself interrupted
   * (a failed step is often cleaned up from an interrupted thread); the caller's interrupt is kept.
   */
  public static void stop(Thread thread) {
    thread.interrupt();
    join(thread);
  }

  /** Waits until {@code thread} has ended, through interrupts of the caller, whose interrupt is kept. */
  public static void join(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
