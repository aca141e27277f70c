package dev.larder.lock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive, non-blocking lock on a file, held by one process at a time and released by the OS when the
 * process dies (so a {@code kill -9} never leaves a stale lock). Batch runs take one per thing they write
 * (the registry, a view's offline snapshots, a view's online data) so that two runs never interleave.
 */
public final class RepoLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private RepoLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock at {@code file} or fails at once.
   *
   * @param what what the lock protects, for the message, e.g. "materialization of view 'user_activity'"
   * @throws LockedException naming {@code what}, the lock file and the holder's pid when another process holds it
   */
  public static RepoLock acquire(Path file, String what) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      String holder = "";
      try {
        holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
      } catch (IOException ignored) {
        // the holder's pid is only a hint
      }
      ch.close();
      throw new LockedException("another run holds the lock for " + what + " (" + file
          + (holder.isEmpty() ? "" : ", held by pid " + holder) + "); wait for it to finish or stop it");
    }
    ch.truncate(0);
    ch.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
    return new RepoLock(file, ch, l);
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  /** Another process holds the lock. */
  public static final class LockedException extends IOException {
    public LockedException(String message) {
      super(message);
    }
  }
}
