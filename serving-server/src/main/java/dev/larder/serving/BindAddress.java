package dev.larder.serving;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where the server's ports listen ({@link ServerSetting#HOST}), and the message when one cannot: every listener
 * (gRPC, metrics, and any later HTTP port) binds through {@link #of} and reports a failed bind with {@link #failed},
 * which names the port's purpose, the address and the setting to change, instead of "Address already in use".
 */
public final class BindAddress {
  private BindAddress() {}

  /** The address for {@code port} on {@code host} (an IP literal or a resolvable name). */
  public static InetSocketAddress of(String host, int port) {
    return new InetSocketAddress(resolve(host), port);
  }

  /** @throws IllegalArgumentException when {@code host} is empty or does not resolve */
  static void check(String host) {
    resolve(host);
  }

  private static InetAddress resolve(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("empty");
    }
    try {
      return InetAddress.getByName(host.trim());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host '" + host + "'", e);
    }
  }

  /**
   * A clear error for a listener that could not start: for a port in use, which port it was and the setting
   * that moves it; for an address that is not on this machine, the host setting. Other errors pass through.
   *
   * @param purpose what the port is for, e.g. "gRPC" or "metrics"
   * @param port the setting of the port, whose flag, variable and key the message names
   */
  public static IOException failed(String purpose, ServerSetting port, String host, int portNumber, IOException e) {
    Throwable bind = bindCause(e);
    if (bind == null) {
      return e;
    }
    String where = purpose + " port " + host + ":" + portNumber;
    String message = String.valueOf(bind.getMessage());
    if (message.toLowerCase().contains("in use")) {
      return new IOException("cannot listen on the " + where + ": the port is already in use (another larder-server "
          + "or another program holds it); choose another with " + names(port)
          + (port == ServerSetting.METRICS_PORT ? ", or 0 to turn the metrics endpoint off" : ""), e);
    }
    return new IOException("cannot listen on the " + where + ": " + message + "; check " + names(ServerSetting.HOST)
        + " (an address of this machine, or 0.0.0.0 for all)", e);
  }

  private static String names(ServerSetting s) {
    return s.flag() + " (environment " + s.envVar() + ", " + s.key() + " in larder.properties)";
  }

  /** The bind failure in {@code e}'s causes: a BindException (NIO, JDK HTTP server) or Netty epoll's bind(..) error. */
  private static Throwable bindCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof BindException || m.startsWith("bind(") || m.contains("Address already in use")) {
        return t;
      }
    }
    return null;
  }
}
