package dev.larder.bench;

import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The serving benchmark's zero-work reference: a gRPC server with larder-server's transport settings (Netty,
 * epoll where available, one event loop per core, calls run on the event loops) whose GetOnlineFeatures parses
 * the request and answers with a fixed response captured from larder-server, doing no lookup at all. What the
 * same client reaches against it is the most any lookup path could reach for responses of that size on this
 * machine, so it separates Larder's own cost from the cost of moving the bytes.
 *
 * <p>Usage: {@code CannedServer PORT RESPONSE_FILE}; it reports SERVING on {@code grpc.health.v1} once listening.
 */
public final class CannedServer {
  private CannedServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    byte[] response = Files.readAllBytes(Path.of(args[1]));
    boolean epoll = Epoll.isAvailable();
    int cores = Runtime.getRuntime().availableProcessors();
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(cores, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    HealthStatusManager health = new HealthStatusManager();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(port))
        .channelType(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .directExecutor()
        .addService(health.getHealthService())
        .addService(cannedLookup(response))
        .build()
        .start();
    health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
    server.awaitTermination();
  }

  /** GetOnlineFeatures with the generated request parsing and a response that is always {@code response}. */
  private static ServerServiceDefinition cannedLookup(byte[] response) {
    MethodDescriptor<GetOnlineFeaturesRequest, byte[]> method = FeatureServingGrpc.getGetOnlineFeaturesMethod()
        .toBuilder(FeatureServingGrpc.getGetOnlineFeaturesMethod().getRequestMarshaller(), new BytesMarshaller())
        .build();
    return ServerServiceDefinition.builder(FeatureServingGrpc.SERVICE_NAME)
        .addMethod(method, ServerCalls.asyncUnaryCall((request, out) -> {
          out.onNext(response);
          out.onCompleted();
        }))
        .build();
  }

  /** Sends a byte array as it is, with its length known, as larder-server sends its pre-serialized responses. */
  private static final class BytesMarshaller implements Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new BytesStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
    BytesStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public synchronized int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }
}
