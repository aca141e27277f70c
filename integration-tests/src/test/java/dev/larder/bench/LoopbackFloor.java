package dev.larder.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The latency floor of this machine for a request and its answer over loopback: one byte sent by a thread to
 * an echo thread blocked in {@code read} and back, at the benchmark's request rate, timed like {@link Load}'s
 * open loop (from the intended send time). Any RPC pays at least these two thread wake-ups and socket hops (a
 * gRPC call pays more: the client's and server's event loops), so a latency goal below this floor cannot be
 * met on the machine, whatever the server does. Measured in the same run as the lookups it explains.
 */
final class LoopbackFloor {
  private LoopbackFloor() {}

  /** Percentiles of {@code rate} one-byte round trips per second for {@code seconds}, after {@code warmup}. */
  static Histogram measure(double rate, double warmup, double seconds) throws IOException, InterruptedException {
    Histogram h = new Histogram(3_600_000_000L, 3);
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread echo = new Thread(() -> {
        try (Socket s = listener.accept()) {
          s.setTcpNoDelay(true);
          InputStream in = s.getInputStream();
          OutputStream out = s.getOutputStream();
          for (int b; (b = in.read()) >= 0; ) {
            out.write(b);
            out.flush();
          }
        } catch (IOException e) {
          // the client closed the connection: done
        }
      }, "loopback-echo");
      echo.setDaemon(true);
      echo.start();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        s.setTcpNoDelay(true);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        for (long intended = start; intended < end; intended += interval) {
          long now;
          while ((now = System.nanoTime()) < intended) {
            LockSupport.parkNanos(intended - now);
          }
          out.write(1);
          out.flush();
          if (in.read() < 0) {
            throw new IOException("the loopback echo thread closed the connection");
          }
          if (intended >= measureFrom) {
            h.recordValue(Math.max(1, (System.nanoTime() - intended) / 1000));
          }
        }
      }
      echo.join(1000);
    }
    return h;
  }
}
