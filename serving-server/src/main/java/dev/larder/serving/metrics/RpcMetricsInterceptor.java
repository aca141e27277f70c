package dev.larder.serving.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import dev.larder.serving.lookup.ClientText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and times every call by method and status, and writes exactly one structured log line per failed
 * call (none for successful ones). Messages are produced by the server itself and never contain entity
 * values or request headers, so nothing secret reaches the log.
 */
public final class RpcMetricsInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger("larder.server.rpc");

  private final ServingMetrics metrics;

  public RpcMetricsInterceptor(ServingMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                     ServerCallHandler<Q, R> next) {
    long start = System.nanoTime();
    String method = call.getMethodDescriptor().getFullMethodName();
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        long nanos = System.nanoTime() - start;
        metrics.recordCall(method, status.getCode(), nanos);
        if (!status.isOk()) {
          LOG.warn("event=rpc_error method={} code={} duration_ms={} message=\"{}\"", method, status.getCode(),
              String.format("%.3f", nanos / 1e6), status.getDescription() == null ? ""
                  : ClientText.message(status.getDescription()).replace("\"", "'"));
        }
        super.close(status, trailers);
      }
    }, headers);
  }
}
