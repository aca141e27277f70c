package dev.larder.serving;

import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The network transport: Netty with native epoll where the platform has it (fewer system calls and
 * copies than NIO on Linux), NIO elsewhere. It owns the event loop threads and shuts them down.
 */
final class NettyTransport implements AutoCloseable {
  static final int HANDSHAKE_TIMEOUT_SECONDS = 10;
  static final int MAX_CONNECTION_IDLE_MINUTES = 5;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final NettyServerBuilder builder;
  private final boolean epoll;

  /** @param credentials TLS settings, or {@code InsecureServerCredentials} for plaintext */
  NettyTransport(InetSocketAddress address, int threads, ServerCredentials credentials) {
    this.epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    boss = new MultiThreadIoEventLoopGroup(1, io);
    workers = new MultiThreadIoEventLoopGroup(threads, io);
    try {
      builder = NettyServerBuilder.forAddress(address, credentials)
          .channelType(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
          .bossEventLoopGroup(boss)
          .workerEventLoopGroup(workers)
          .permitKeepAliveTime(10, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          // A connection that never completes its TLS/HTTP2 handshake, or stays without calls, holds buffers
          // and a file descriptor: close it.
          .handshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .maxConnectionIdle(MAX_CONNECTION_IDLE_MINUTES, TimeUnit.MINUTES);
    } catch (IllegalArgumentException e) {
      // Netty parses the PEM files here; its messages say what is wrong, never the content.
      close();
      throw new IllegalArgumentException("server.tls.cert_chain / server.tls.private_key / server.tls.client_ca: "
          + e.getMessage(), e);
    }
  }

  NettyServerBuilder builder() {
    return builder;
  }

  String name() {
    return epoll ? "netty-epoll" : "netty-nio";
  }

  @Override
  public void close() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
