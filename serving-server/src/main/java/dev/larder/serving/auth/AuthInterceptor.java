package dev.larder.serving.auth;

import dev.larder.serving.lookup.Grant;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates calls by their {@code authorization: Bearer <token>} header and puts the caller's
 * {@link Grant} in the gRPC {@link Context} under {@link #GRANT}. It only decides who is calling; what the
 * caller may read is decided where the request is resolved ({@code OnlineLookup}). Methods of the open
 * services (by default only health) pass without a token. Refusals never echo the header.
 */
public final class AuthInterceptor implements ServerInterceptor {
  /** The caller's grant; {@link Grant#ALL} when authentication is off or the method is open. */
  public static final Context.Key<Grant> GRANT = Context.keyWithDefault("larder-grant", Grant.ALL);

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";

  private final TokenStore tokens;
  private final Set<String> openMethods;

  /** @param openMethods service names ({@code grpc.health.v1.Health}) or full method names */
  public AuthInterceptor(TokenStore tokens, Set<String> openMethods) {
    this.tokens = tokens;
    this.openMethods = Set.copyOf(openMethods);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                     ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (openMethods.contains(call.getMethodDescriptor().getServiceName()) || openMethods.contains(method)) {
      return next.startCall(call, headers);
    }
    String header = headers.get(AUTHORIZATION);
    Optional<Grant> grant = Optional.empty();
    String refusal = "missing bearer token: send the header 'authorization: Bearer <token>'";
    if (header != null) {
      refusal = "invalid bearer token";
      if (header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        grant = tokens.authenticate(header.substring(BEARER.length()).strip());
      }
    }
    if (grant.isEmpty()) {
      call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(GRANT, grant.get()), call, headers, next);
  }
}
