package dev.larder.serving;

import dev.larder.serving.auth.AuthInterceptor;
import dev.larder.serving.lookup.Discovery;
import dev.larder.serving.lookup.ClientText;
import dev.larder.serving.lookup.LookupException;
import dev.larder.serving.lookup.OnlineLookup;
import dev.larder.serving.metrics.ServingMetrics;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.serving.v1.GetServingInfoRequest;
import dev.larder.serving.v1.GetServingInfoResponse;
import dev.larder.serving.v1.ListEntitiesRequest;
import dev.larder.serving.v1.ListEntitiesResponse;
import dev.larder.serving.v1.ListFeatureServicesRequest;
import dev.larder.serving.v1.ListFeatureServicesResponse;
import dev.larder.serving.v1.ListFeatureViewsRequest;
import dev.larder.serving.v1.ListFeatureViewsResponse;
import dev.larder.serving.v1.PushFeaturesRequest;
import dev.larder.serving.v1.PushFeaturesResponse;
import dev.larder.serving.push.PushService;
import dev.larder.serving.lookup.EncodedResponse;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCalls;
import io.grpc.Contexts;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC face of the lookup layer: translates calls into {@link OnlineLookup} and {@link Discovery} calls
 * and refusals into status codes. It holds no logic of its own beyond that mapping.
 */
public final class FeatureServingService implements FeatureServingGrpc.AsyncService, BindableService {
  private static final Logger LOG = LoggerFactory.getLogger("larder.server");

  private final OnlineLookup lookup;
  private final Discovery discovery;
  private final ServingMetrics metrics;
  private final PushService push;

  public FeatureServingService(OnlineLookup lookup, Discovery discovery, ServingMetrics metrics) {
    this(lookup, discovery, metrics, null);
  }

  /** @param push answers PushFeatures; null answers it UNIMPLEMENTED */
  public FeatureServingService(OnlineLookup lookup, Discovery discovery, ServingMetrics metrics, PushService push) {
    this.lookup = lookup;
    this.discovery = discovery;
    this.metrics = metrics;
    this.push = push;
  }

  /**
   * The service as the server binds it: the generated definition, except that GetOnlineFeatures goes through
   * {@link LookupMarshallers}: it sends the response bytes {@link OnlineLookup#lookupEncoded} wrote instead of
   * serializing a message, and refuses undecodable requests with INVALID_ARGUMENT. Clients see the same method,
   * types and bytes; reflection sees the same schema.
   */
  @Override
  public ServerServiceDefinition bindService() {
    ServerServiceDefinition generated = FeatureServingGrpc.bindService(this);
    MethodDescriptor<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse> method = FeatureServingGrpc.getGetOnlineFeaturesMethod();
    MethodDescriptor<LookupMarshallers.LookupRequest, EncodedResponse> encoded =
        method.toBuilder(LookupMarshallers.REQUEST, LookupMarshallers.RESPONSE).build();
    // The discovery methods parse their (empty) requests leniently too: undecodable bytes are INVALID_ARGUMENT
    // with one log line, not UNKNOWN with a SEVERE stack trace from grpc-java.
    java.util.List<ServerMethodDefinition<?, ?>> methods = java.util.List.of(
        ServerMethodDefinition.create(encoded, ServerCalls.asyncUnaryCall(this::getOnlineFeaturesEncoded)),
        lenient(FeatureServingGrpc.getListEntitiesMethod(), ListEntitiesRequest.getDefaultInstance(),
            this::listEntities),
        lenient(FeatureServingGrpc.getListFeatureViewsMethod(), ListFeatureViewsRequest.getDefaultInstance(),
            this::listFeatureViews),
        lenient(FeatureServingGrpc.getListFeatureServicesMethod(), ListFeatureServicesRequest.getDefaultInstance(),
            this::listFeatureServices),
        lenient(FeatureServingGrpc.getGetServingInfoMethod(), GetServingInfoRequest.getDefaultInstance(),
            this::getServingInfo),
        lenient(FeatureServingGrpc.getPushFeaturesMethod(), PushFeaturesRequest.getDefaultInstance(),
            this::pushFeatures));
    java.util.Set<String> replaced = new java.util.HashSet<>();
    methods.forEach(m -> replaced.add(m.getMethodDescriptor().getFullMethodName()));
    ServiceDescriptor.Builder service = ServiceDescriptor.newBuilder(FeatureServingGrpc.SERVICE_NAME)
        .setSchemaDescriptor(generated.getServiceDescriptor().getSchemaDescriptor());
    methods.forEach(m -> service.addMethod(m.getMethodDescriptor()));
    for (MethodDescriptor<?, ?> m : generated.getServiceDescriptor().getMethods()) {
      if (!replaced.contains(m.getFullMethodName())) {
        service.addMethod(m);
      }
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.build());
    methods.forEach(b::addMethod);
    for (ServerMethodDefinition<?, ?> m : generated.getMethods()) {
      if (!replaced.contains(m.getMethodDescriptor().getFullMethodName())) {
        b.addMethod(m);
      }
    }
    return b.build();
  }

  /** A unary method whose request bytes are parsed leniently: bytes that do not parse are INVALID_ARGUMENT. */
  private static <Q extends com.google.protobuf.Message, R> ServerMethodDefinition<LookupMarshallers.Parsed<Q>, R>
      lenient(MethodDescriptor<Q, R> method, Q prototype, java.util.function.BiConsumer<Q, StreamObserver<R>> handler) {
    MethodDescriptor<LookupMarshallers.Parsed<Q>, R> d =
        method.toBuilder(LookupMarshallers.lenient(prototype), method.getResponseMarshaller()).build();
    return ServerMethodDefinition.create(d, ServerCalls.asyncUnaryCall((request, out) -> {
      if (request.error() != null) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(ClientText.message("the request is not a valid "
            + prototype.getDescriptorForType().getFullName() + ": " + request.error())).asRuntimeException());
        return;
      }
      handler.accept(request.message(), out);
    }));
  }

  private void getOnlineFeaturesEncoded(LookupMarshallers.LookupRequest request, StreamObserver<EncodedResponse> out) {
    Context context = Context.current();
    answer(out, () -> {
      if (request.parseError() != null) {
        throw new LookupException(LookupException.Kind.INVALID_ARGUMENT,
            "the request is not a valid larder.serving.v1.GetOnlineFeaturesRequest: " + request.parseError());
      }
      EncodedResponse response = lookup.lookupEncoded(request.request(), AuthInterceptor.GRANT.get(context),
          context::isCancelled);
      metrics.recordEntities(response.entityRows());
      return response;
    });
  }

  @Override
  public void listEntities(ListEntitiesRequest request, StreamObserver<ListEntitiesResponse> out) {
    answer(out, discovery::entities);
  }

  @Override
  public void listFeatureViews(ListFeatureViewsRequest request, StreamObserver<ListFeatureViewsResponse> out) {
    answer(out, discovery::featureViews);
  }

  @Override
  public void listFeatureServices(ListFeatureServicesRequest request, StreamObserver<ListFeatureServicesResponse> out) {
    answer(out, discovery::featureServices);
  }

  @Override
  public void getServingInfo(GetServingInfoRequest request, StreamObserver<GetServingInfoResponse> out) {
    answer(out, discovery::servingInfo);
  }

  @Override
  public void pushFeatures(PushFeaturesRequest request, StreamObserver<PushFeaturesResponse> out) {
    if (push == null) {
      out.onError(Status.UNIMPLEMENTED.withDescription("this server accepts no pushes").asRuntimeException());
      return;
    }
    Context context = Context.current();
    answer(out, () -> push.push(request, AuthInterceptor.GRANT.get(context)));
  }

  private static <T> void answer(StreamObserver<T> out, Supplier<T> work) {
    T response;
    try {
      response = work.get();
    } catch (LookupException e) {
      out.onError(status(e).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      LOG.error("event=internal_error message=\"{}\"", e, e);
      out.onError(Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException());
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }

  /** The status code of a refusal; a cancelled call reports why its context was cancelled (e.g. the deadline). */
  static Status status(LookupException e) {
    Status base = switch (e.kind()) {
      case NOT_FOUND -> Status.NOT_FOUND;
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case INTERNAL -> Status.INTERNAL;
      case CANCELLED -> {
        Status why = Contexts.statusFromCancelled(Context.current());
        yield why == null ? Status.CANCELLED : why;
      }
    };
    return base.withDescription(ClientText.message(e.getMessage()));
  }
}
