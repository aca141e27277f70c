package dev.larder.serving;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns the TLS settings into gRPC server credentials. Failures name the setting and the file, never the
 * file's content: a private key must not reach a log line or an error message.
 */
final class Credentials {
  private Credentials() {}

  static ServerCredentials of(SecurityConfig security) throws IOException {
    if (!security.tls()) {
      return InsecureServerCredentials.create();
    }
    TlsKeyPair.check(security.certChain(), security.privateKey());
    TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder();
    try {
      b.keyManager(security.certChain().toFile(), security.privateKey().toFile());
    } catch (IOException | RuntimeException e) {
      throw failure("server.tls.cert_chain " + security.certChain() + " / server.tls.private_key "
          + security.privateKey(), "a PEM certificate chain and its PEM PKCS#8 private key", e);
    }
    if (security.mutualTls()) {
      try {
        b.trustManager(security.clientCa().toFile());
      } catch (IOException | RuntimeException e) {
        throw failure("server.tls.client_ca " + security.clientCa(), "PEM CA certificates", e);
      }
      b.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return b.build();
  }

  private static IOException failure(String what, String expected, Exception e) {
    String reason = e instanceof java.nio.file.NoSuchFileException || e instanceof java.io.FileNotFoundException
        ? "file not found" : e.getClass().getSimpleName();
    return new IOException(what + ": cannot be read as " + expected + " (" + reason + ")");
  }
}
