package dev.larder.serving;

import dev.larder.serving.lookup.EncodedResponse;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * How GetOnlineFeatures crosses the wire on the server. Requests are parsed leniently: bytes that are not a
 * {@code GetOnlineFeaturesRequest} become a {@link LookupRequest} holding the parse error, so the call can be
 * refused with INVALID_ARGUMENT (grpc-java would close it with UNKNOWN if parsing threw). Responses are the
 * bytes {@code OnlineLookup} already serialized; their stream reports its length and drains itself into the
 * transport's buffer, so gRPC frames them with a single copy, as it does for protobuf messages.
 */
final class LookupMarshallers {
  private LookupMarshallers() {}

  /** A parsed request, or why the bytes were not one. */
  record LookupRequest(GetOnlineFeaturesRequest request, String parseError) {}

  /**
   * grpc-java's own protobuf marshaller does the parsing: it reads a stream of known length into a reused
   * buffer and parses from the array, which is several times cheaper than parsing from the stream.
   */
  private static final Marshaller<GetOnlineFeaturesRequest> PROTO =
      ProtoUtils.marshaller(GetOnlineFeaturesRequest.getDefaultInstance());

  static final Marshaller<LookupRequest> REQUEST = new Marshaller<>() {
    @Override
    public InputStream stream(LookupRequest value) {
      return PROTO.stream(value.request());
    }

    @Override
    public LookupRequest parse(InputStream stream) {
      try {
        return new LookupRequest(PROTO.parse(stream), null);
      } catch (StatusRuntimeException e) {
        // The marshaller wraps a parse failure into INTERNAL; the cause says what was wrong with the bytes.
        Throwable why = e.getCause() != null ? e.getCause() : e;
        return new LookupRequest(null, why.getMessage());
      }
    }
  };

  /** A parsed message, or why the bytes were not one. */
  record Parsed<T>(T message, String error) {}

  /** A marshaller that never throws on bad request bytes: they become a {@link Parsed} holding the error. */
  static <T extends com.google.protobuf.Message> Marshaller<Parsed<T>> lenient(T prototype) {
    Marshaller<T> proto = ProtoUtils.marshaller(prototype);
    return new Marshaller<>() {
      @Override
      public InputStream stream(Parsed<T> value) {
        return proto.stream(value.message());
      }

      @Override
      public Parsed<T> parse(InputStream stream) {
        try {
          return new Parsed<>(proto.parse(stream), null);
        } catch (StatusRuntimeException e) {
          Throwable why = e.getCause() != null ? e.getCause() : e;
          return new Parsed<>(null, String.valueOf(why.getMessage()));
        }
      }
    };
  }

  static final Marshaller<EncodedResponse> RESPONSE = new Marshaller<>() {
    @Override
    public InputStream stream(EncodedResponse value) {
      return new BytesStream(value.bytes());
    }

    @Override
    public EncodedResponse parse(InputStream stream) {
      try {
        return new EncodedResponse(stream.readAllBytes(), -1);
      } catch (IOException e) {
        throw new IllegalStateException("reading a GetOnlineFeatures response failed", e);
      }
    }
  };

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
