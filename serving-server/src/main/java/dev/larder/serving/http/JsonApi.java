package dev.larder.serving.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.larder.serving.auth.TokenStore;
import dev.larder.serving.lookup.Discovery;
import dev.larder.serving.lookup.EncodedResponse;
import dev.larder.serving.lookup.Grant;
import dev.larder.serving.lookup.LookupException;
import dev.larder.serving.lookup.OnlineLookup;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The HTTP/JSON face of the lookup layer: the same {@link OnlineLookup} and {@link Discovery} calls the gRPC
 * service makes, with requests and responses in the protobuf JSON mapping, so that both transports answer
 * alike by construction. It knows nothing about sockets; {@link HttpEndpoint} feeds it requests.
 *
 * <p>Each route stands for a gRPC method, whose full name decides whether a token is needed (the same
 * {@code server.auth.open_methods} setting as gRPC) and labels the route in metrics.
 */
public final class JsonApi {
  /** One route: HTTP method and path, and the gRPC method it answers like. */
  public enum Route {
    GET_FEATURES("POST", "/v1/features:get", FeatureServingGrpc.getGetOnlineFeaturesMethod().getFullMethodName()),
    VIEWS("GET", "/v1/views", FeatureServingGrpc.getListFeatureViewsMethod().getFullMethodName()),
    SERVICES("GET", "/v1/services", FeatureServingGrpc.getListFeatureServicesMethod().getFullMethodName()),
    ENTITIES("GET", "/v1/entities", FeatureServingGrpc.getListEntitiesMethod().getFullMethodName()),
    INFO("GET", "/v1/info", FeatureServingGrpc.getGetServingInfoMethod().getFullMethodName()),
    HEALTH("GET", "/healthz", "grpc.health.v1.Health/Check"),
    READY("GET", "/readyz", "grpc.health.v1.Health/Check");

    final String method;
    final String path;
    final String grpcMethod;
    private final String label;

    Route(String method, String path, String grpcMethod) {
      this.method = method;
      this.path = path;
      this.grpcMethod = grpcMethod;
      this.label = method + " " + path;
    }

    /** The label of this route in {@code larder_requests_total}: {@code POST /v1/features:get}. */
    public String label() {
      return label;
    }

    static Optional<Route> ofPath(String path) {
      for (Route r : values()) {
        if (r.path.equals(path)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * An answer: the HTTP status, the gRPC status code a gRPC client would have seen (for metrics and the error
   * body), the JSON body, and the entity rows answered (0 unless a lookup succeeded).
   */
  public record Reply(int httpStatus, String grpcCode, byte[] body, int entityRows, Route route) {
    boolean ok() {
      return httpStatus == 200;
    }

    /** The body as text (for logs and tests). */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final String BEARER = "bearer ";
  private static final byte[] SERVING = "{\"status\":\"SERVING\"}".getBytes(StandardCharsets.UTF_8);
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
      .omittingInsignificantWhitespace();

  private final OnlineLookup lookup;
  private final Discovery discovery;
  private final TokenStore tokens;
  private final Set<String> openMethods;
  private final BooleanSupplier ready;

  /**
   * @param tokens the accepted tokens, or null when calls need none
   * @param openMethods gRPC services or full method names reachable without a token
   * @param ready whether the server serves lookups (the online store is open and it is not shutting down)
   */
  public JsonApi(OnlineLookup lookup, Discovery discovery, TokenStore tokens, Set<String> openMethods,
                 BooleanSupplier ready) {
    this.lookup = lookup;
    this.discovery = discovery;
    this.tokens = tokens;
    this.openMethods = Set.copyOf(openMethods);
    this.ready = ready;
  }

  /**
   * Answers one request.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param cancelled true once the client has gone away
   */
  public Reply answer(String httpMethod, String path, String authorization, String body, BooleanSupplier cancelled) {
    Optional<Route> found = Route.ofPath(path);
    if (found.isEmpty()) {
      return error(null, 404, "NOT_FOUND", "no route " + path + "; routes: POST /v1/features:get, GET /v1/views, "
          + "/v1/services, /v1/entities, /v1/info, /healthz, /readyz");
    }
    Route route = found.get();
    if (!route.method.equals(httpMethod)) {
      return error(route, 405, "UNIMPLEMENTED", path + " expects " + route.method + ", not " + httpMethod);
    }
    Grant grant = Grant.ALL;
    if (tokens != null && !isOpen(route)) {
      Optional<Grant> g = Optional.empty();
      String refusal = "missing bearer token: send the header 'Authorization: Bearer <token>'";
      if (authorization != null) {
        refusal = "invalid bearer token";
        if (authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
          g = tokens.authenticate(authorization.substring(BEARER.length()).strip());
        }
      }
      if (g.isEmpty()) {
        return error(route, 401, "UNAUTHENTICATED", refusal);
      }
      grant = g.get();
    }
    try {
      return switch (route) {
        case GET_FEATURES -> getFeatures(body, grant, cancelled);
        case VIEWS -> ok(route, discovery.featureViews(), 0);
        case SERVICES -> ok(route, discovery.featureServices(), 0);
        case ENTITIES -> ok(route, discovery.entities(), 0);
        case INFO -> ok(route, discovery.servingInfo(), 0);
        case HEALTH -> new Reply(200, "OK", SERVING, 0, route);
        case READY -> ready.getAsBoolean() ? new Reply(200, "OK", SERVING, 0, route)
            : new Reply(503, "UNAVAILABLE", "{\"status\":\"NOT_SERVING\"}".getBytes(StandardCharsets.UTF_8), 0, route);
      };
    } catch (LookupException e) {
      return error(route, httpStatus(e.kind()), e.kind().name(), e.getMessage());
    }
  }

  private boolean isOpen(Route route) {
    return openMethods.contains(route.grpcMethod)
        || openMethods.contains(route.grpcMethod.substring(0, route.grpcMethod.indexOf('/')));
  }

  private Reply getFeatures(String body, Grant grant, BooleanSupplier cancelled) {
    GetOnlineFeaturesRequest request = RequestJson.parse(body);
    if (request == null) {
      // Outside the subset RequestJson reads: JsonFormat parses it, or refuses it with its own message.
      GetOnlineFeaturesRequest.Builder parsed = GetOnlineFeaturesRequest.newBuilder();
      try {
        PARSER.merge(body, parsed);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        // JsonFormat reports malformed JSON as an InvalidProtocolBufferException or, for some syntax errors,
        // as gson's unchecked exceptions; both carry the position and what was expected.
        return error(Route.GET_FEATURES, 400, "INVALID_ARGUMENT",
            "the body is not a larder.serving.v1.GetOnlineFeaturesRequest in JSON: " + e.getMessage());
      }
      request = parsed.build();
    }
    EncodedResponse response = lookup.lookupEncoded(request, grant, cancelled);
    return new Reply(200, "OK", responseJson(response.bytes()), response.entityRows(), Route.GET_FEATURES);
  }

  /**
   * The JSON of a serialized lookup response: written directly ({@link ResponseJson}), or, for bytes outside
   * what that writer reproduces exactly, parsed and printed by JsonFormat as before. Both give the same text.
   */
  static byte[] responseJson(byte[] wire) {
    try {
      return ResponseJson.print(wire);
    } catch (JsonSink.NotCanonical e) {
      GetOnlineFeaturesResponse parsed;
      try {
        parsed = GetOnlineFeaturesResponse.parseFrom(wire);
      } catch (InvalidProtocolBufferException parse) {
        throw new IllegalStateException("ResponseWriter wrote an unparsable response", parse);
      }
      return ok(Route.GET_FEATURES, parsed, 0).body();
    }
  }

  private static Reply ok(Route route, Message message, int rows) {
    try {
      return new Reply(200, "OK", PRINTER.print(message).getBytes(StandardCharsets.UTF_8), rows, route);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a served message cannot be printed as JSON", e);
    }
  }

  /** The error body: {@code {"error":{"code":404,"status":"NOT_FOUND","message":"..."}}}. */
  static Reply error(Route route, int httpStatus, String grpcCode, String message) {
    String body = "{\"error\":{\"code\":" + httpStatus + ",\"status\":\"" + grpcCode + "\",\"message\":"
        + quote(message) + "}}";
    return new Reply(httpStatus, grpcCode, body.getBytes(StandardCharsets.UTF_8), 0, route);
  }

  /** The HTTP status of a refusal, following the usual gRPC-to-HTTP mapping (google.rpc.Code). */
  static int httpStatus(LookupException.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> 404;
      case INVALID_ARGUMENT, FAILED_PRECONDITION -> 400;
      case PERMISSION_DENIED -> 403;
      case UNAVAILABLE -> 503;
      case CANCELLED -> 499;
      case INTERNAL -> 500;
    };
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
