package dev.larder.serving;

import java.nio.file.Path;
import java.util.Set;

/**
 * The security settings of one server: TLS (on when a certificate chain is given), mutual TLS (on when a
 * client CA is given) and bearer-token authentication (on when a token file is given). Everything is off by
 * default so that a local or firewalled deployment needs no setup; see docs/security.md.
 *
 * @param certChain PEM certificate chain, or null for plaintext
 * @param privateKey PEM PKCS#8 key of the chain, or null
 * @param clientCa PEM CA certificates client certificates must chain to, or null when none are required
 * @param tokensFile the token file, or null when calls need no token
 * @param openMethods services ({@code grpc.health.v1.Health}) or full method names reachable without a token
 */
public record SecurityConfig(Path certChain, Path privateKey, Path clientCa, Path tokensFile, Set<String> openMethods) {
  /** Plaintext, no tokens: the default. */
  public static final SecurityConfig OFF = new SecurityConfig(null, null, null, null, Set.of("grpc.health.v1.Health"));

  public SecurityConfig {
    if ((certChain == null) != (privateKey == null)) {
      throw new IllegalArgumentException("server.tls.cert_chain and server.tls.private_key must be set together");
    }
    if (clientCa != null && certChain == null) {
      throw new IllegalArgumentException(
          "server.tls.client_ca is set but server.tls.cert_chain is not: mutual TLS needs TLS");
    }
    openMethods = Set.copyOf(openMethods);
  }

  public boolean tls() {
    return certChain != null;
  }

  public boolean mutualTls() {
    return clientCa != null;
  }

  public boolean tokens() {
    return tokensFile != null;
  }

  /** For the start line: what is on, never any file content. */
  String describe() {
    return (mutualTls() ? "mtls" : tls() ? "tls" : "plaintext") + (tokens() ? "+tokens" : "");
  }
}
