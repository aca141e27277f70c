package dev.larder.materialize;

import java.nio.file.Path;

/**
 * A materialization run in its own JVM for {@link CrashSafetyTest}: writes {@code rows} users with the
 * value {@code tag}, prints each phase it reaches, and at phase {@code stopAt} waits to be killed.
 * Usage: SlowRunMain ONLINE_DIR STOP_AT_PHASE ROWS TAG
 */
public final class SlowRunMain {
  private SlowRunMain() {}

  public static void main(String[] args) throws Exception {
    Path online = Path.of(args[0]);
    OnlineWriter.Phase stopAt = OnlineWriter.Phase.valueOf(args[1]);
    int rows = Integer.parseInt(args[2]);
    String tag = args[3];
    OnlineWriter w = OnlineFixtures.begin(online, null, 0, OnlineFixtures.small().withSortBufferBytes(32 << 10));
    w.onPhase(p -> {
      System.out.println("PHASE " + p);
      System.out.flush();
      if (p == stopAt) {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    for (long u = 0; u < rows; u++) {
      w.put(new Object[] {u}, 1000 * OnlineFixtures.SECOND, 0, new Object[] {u, 1.0, tag});
    }
    w.commit();
    System.out.println("COMMITTED");
  }
}
