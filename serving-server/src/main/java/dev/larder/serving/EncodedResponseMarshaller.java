package dev.larder.serving;

import dev.larder.serving.lookup.EncodedResponse;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Hands an already serialized GetOnlineFeatures response to the transport. The stream reports its length
 * and drains itself into the transport's buffer, so gRPC frames the bytes with a single copy, as it does for
 * protobuf messages.
 */
enum EncodedResponseMarshaller implements MethodDescriptor.Marshaller<EncodedResponse> {
  INSTANCE;

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
