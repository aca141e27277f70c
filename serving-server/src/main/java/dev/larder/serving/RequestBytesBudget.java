package dev.larder.serving;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the request bytes the server holds at once, over all connections. Each request may be up to
 * {@code server.max_inbound_message_size}, but nothing bounded their sum: 48 concurrent 15 MB requests took
 * the process to 2.4 GB of direct memory under {@code -Xmx1g}. A stream tracer counts each call's request
 * bytes as the transport reads them, until the call ends; a call that would take the total past the budget
 * is closed at once with RESOURCE_EXHAUSTED, which resets its stream and frees what it had buffered.
 *
 * <p>Tracer and interceptor meet through the call's headers object, which grpc-java hands to both.
 */
final class RequestBytesBudget extends ServerStreamTracer.Factory implements ServerInterceptor {
  private final long limit;
  private final AtomicLong inflight = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final Map<Metadata, Tracer> byHeaders = new ConcurrentHashMap<>();

  RequestBytesBudget(long limit) {
    this.limit = limit;
  }

  /** Request bytes held by calls in progress. */
  long inflight() {
    return inflight.get();
  }

  /** Calls refused so far for want of budget. */
  long refused() {
    return refused.get();
  }

  long limit() {
    return limit;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    Tracer t = new Tracer(headers);
    byHeaders.put(headers, t);
    return t;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                     ServerCallHandler<Q, R> next) {
    Tracer t = byHeaders.remove(headers);
    if (t == null) {
      return next.startCall(call, headers);
    }
    Guarded<Q, R> guarded = new Guarded<>(call);
    t.attach(guarded);
    return next.startCall(guarded, headers);
  }

  /** The call as the service sees it; closing twice (budget, then service) is ignored the second time. */
  private static final class Guarded<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final AtomicBoolean closed = new AtomicBoolean();

    Guarded(ServerCall<Q, R> delegate) {
      super(delegate);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (closed.compareAndSet(false, true)) {
        super.close(status, trailers);
      }
    }
  }

  private final class Tracer extends ServerStreamTracer {
    private final Metadata headers;
    private final AtomicLong held = new AtomicLong();
    private volatile Guarded<?, ?> call;
    private volatile boolean over;

    Tracer(Metadata headers) {
      this.headers = headers;
    }

    void attach(Guarded<?, ?> c) {
      call = c;
      if (over) {
        refuse(c);
      }
    }

    @Override
    public void inboundWireSize(long bytes) {
      if (bytes <= 0 || over) {
        return;
      }
      held.addAndGet(bytes);
      if (inflight.addAndGet(bytes) > limit) {
        // Refused: what it holds is released now (its stream is reset and buffers freed), so that calls already
        // under way are not refused in turn.
        over = true;
        inflight.addAndGet(-held.getAndSet(0));
        refused.incrementAndGet();
        Guarded<?, ?> c = call;
        if (c != null) {
          refuse(c);
        }
      }
    }

    private void refuse(Guarded<?, ?> c) {
      c.close(Status.RESOURCE_EXHAUSTED.withDescription("the server holds too many bytes of requests in progress"
          + " (budget " + limit + " (4 x server.max_inbound_message_size); retry"
          + " later"), new Metadata());
    }

    @Override
    public void streamClosed(Status status) {
      inflight.addAndGet(-held.getAndSet(0));
      byHeaders.remove(headers);
    }
  }
}
