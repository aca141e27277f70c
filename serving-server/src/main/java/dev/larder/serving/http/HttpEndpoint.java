package dev.larder.serving.http;

import dev.larder.serving.SecurityConfig;
import dev.larder.serving.metrics.ServingMetrics;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObjectAggregator;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerCodec;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.QueryStringDecoder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.timeout.IdleStateEvent;
import io.grpc.netty.shaded.io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 listener of {@link JsonApi}, on its own port. It uses the Netty that grpc-netty-shaded already
 * ships (no second HTTP stack in the distribution): the same epoll transport, the same PEM handling for TLS
 * and mutual TLS as the gRPC port, Netty's HTTP codec and aggregator (which also enforce the request size
 * limit and answer {@code Expect: 100-continue}). Calls are counted and failures logged as gRPC calls are,
 * with the route ({@code POST /v1/features:get}) as the method label.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("larder.server.rpc");

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;

  private HttpEndpoint(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
  }

  /**
   * Starts listening.
   *
   * @param port the port (0 picks a free one)
   * @param executor where calls run; null runs them on the transport threads (as {@code server.executor=direct})
   * @param maxRequestBytes the largest request body accepted; larger ones get 413
   * @throws IOException when the port cannot be bound or the TLS files cannot be read (naming the setting)
   */
  public static HttpEndpoint start(InetSocketAddress address, int threads, SecurityConfig security, int maxRequestBytes,
                                   JsonApi api, ServingMetrics metrics, Executor executor) throws IOException {
    return start(address, threads, security, maxRequestBytes, api, metrics, executor, MAX_CONNECTION_IDLE);
  }

  /**
   * How long a connection may carry nothing before it is closed, as on the gRPC port: an idle keep-alive
   * connection holds buffers and a file descriptor. (Netty's TLS handler already drops a connection whose
   * handshake does not finish within 10 s.)
   */
  static final java.time.Duration MAX_CONNECTION_IDLE = java.time.Duration.ofMinutes(5);

  static HttpEndpoint start(InetSocketAddress address, int threads, SecurityConfig security, int maxRequestBytes,
                            JsonApi api, ServingMetrics metrics, Executor executor, java.time.Duration maxIdle)
      throws IOException {
    SslContext tls = security.tls() ? sslContext(security) : null;
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(threads, io);
    try {
      Channel channel = new ServerBootstrap().group(boss, workers)
          .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
              if (tls != null) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
              }
              ch.pipeline().addLast(new IdleStateHandler(0, 0, maxIdle.toMillis(), TimeUnit.MILLISECONDS),
                  new CloseWhenIdle());
              ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                  new HttpObjectAggregator(maxRequestBytes), new Handler(api, metrics, executor));
            }
          })
          .bind(address).syncUninterruptibly().channel();
      return new HttpEndpoint(boss, workers, channel);
    } catch (RuntimeException e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException("HTTP port " + address.getHostString() + ":" + address.getPort() + ": cannot listen ("
          + e.getMessage() + "); choose another with --http-port, LARDER_HTTP_PORT or server.http_port, or the "
          + "address with --host", e);
    }
  }

  private static SslContext sslContext(SecurityConfig security) throws IOException {
    try {
      SslContextBuilder b = SslContextBuilder.forServer(security.certChain().toFile(), security.privateKey().toFile());
      if (security.mutualTls()) {
        b.trustManager(security.clientCa().toFile()).clientAuth(ClientAuth.REQUIRE);
      }
      return b.build();
    } catch (IOException | RuntimeException e) {
      // The message of a PEM parse failure says what is wrong, never the content.
      throw new IOException("server.tls.cert_chain / server.tls.private_key / server.tls.client_ca for the HTTP "
          + "port: " + e.getMessage());
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Stops accepting connections; calls in progress finish within the event loops' quiet period. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * One connection's requests: decode, answer through {@link JsonApi}, count, write. One handler per connection.
   * With {@code server.executor=direct} (the default) a request is answered on the event loop that read it, with
   * no hand-off, as gRPC calls are; on a pool, each request is handed off once, and a connection's requests run
   * one after another, so that pipelined requests are answered in order as HTTP/1.1 requires.
   */
  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final JsonApi api;
    private final ServingMetrics metrics;
    private final Executor executor;
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

    Handler(JsonApi api, ServingMetrics metrics, Executor executor) {
      this.api = api;
      this.metrics = metrics;
      this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      long start = System.nanoTime();
      if (request.decoderResult().isFailure()) {
        write(ctx, JsonApi.error(null, 400, "INVALID_ARGUMENT", "malformed HTTP request: "
            + request.decoderResult().cause().getMessage()), start, "HTTP");
        return;
      }
      String method = request.method().name();
      String path = new QueryStringDecoder(request.uri()).path();
      String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
      String body = request.content().toString(StandardCharsets.UTF_8);
      Runnable work = () -> {
        JsonApi.Reply reply;
        try {
          reply = api.answer(method, path, authorization, body, () -> !ctx.channel().isActive());
        } catch (RuntimeException e) {
          LOG.error("event=internal_error message=\"{}\"", e, e);
          reply = JsonApi.error(null, 500, "INTERNAL", "internal error: " + e);
        }
        write(ctx, reply, start, method + " " + path);
      };
      if (executor == null) {
        work.run();
      } else {
        // A rejected task (the pool is shutting down) must not stop the connection's later requests.
        previous = previous.thenRunAsync(work, executor).exceptionally(e -> null);
      }
    }

    private void write(ChannelHandlerContext ctx, JsonApi.Reply reply, long start, String requested) {
      byte[] bytes = reply.body();
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(reply.httpStatus()), Unpooled.wrappedBuffer(bytes));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      if (reply.httpStatus() == 405) {
        response.headers().set(HttpHeaderNames.ALLOW, reply.route().method);
      }
      long nanos = System.nanoTime() - start;
      // Unknown paths are counted under one label so that scanners cannot grow the metric without bound.
      String label = reply.route() == null ? "HTTP unknown route" : reply.route().label();
      Status.Code code = Status.Code.valueOf(reply.grpcCode());
      metrics.recordCall(label, code, nanos);
      if (reply.ok() && reply.route() == JsonApi.Route.GET_FEATURES) {
        metrics.recordEntities(reply.entityRows());
      } else if (!reply.ok()) {
        LOG.warn("event=http_error method=\"{}\" status={} code={} duration_ms={} message=\"{}\"",
            requested.length() > 200 ? requested.substring(0, 200) : requested, reply.httpStatus(), code,
            String.format("%.3f", nanos / 1e6), reply.text().replace("\"", "'"));
      }
      // Counted before the write, so that a client that has its answer also sees it in the metrics.
      if (executor == null) {
        // On the event loop: flushed once the requests of this read are answered (channelReadComplete), so
        // that pipelined requests read together leave in one write.
        ctx.write(response);
      } else {
        ctx.writeAndFlush(response);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (executor == null) {
        ctx.flush();
      }
      ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reset connection or a failed TLS handshake: nothing to answer; the client sees the closed socket.
      ctx.close();
    }
  }

  /** Closes a connection on which nothing was read or written for the idle period. */
  private static final class CloseWhenIdle extends io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, event);
      }
    }
  }
}
