package dev.larder.serving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK {@link SSLContext} from the server's PEM TLS files, for the metrics endpoint, which runs on the JDK's
 * HTTP server rather than on Netty. It exists so that the metrics port is served with the same certificate
 * (and, with mutual TLS, the same client CA) as the gRPC port. Like {@link Credentials}, failures name the
 * setting and file but never show file content.
 */
final class TlsContext {
  private static final char[] NO_PASSWORD = new char[0];

  private TlsContext() {}

  static SSLContext of(SecurityConfig security) throws IOException {
    KeyStore keys;
    try {
      keys = KeyStore.getInstance(KeyStore.getDefaultType());
      keys.load(null, null);
      Certificate[] chain = certificates(security.certChain()).toArray(new Certificate[0]);
      if (chain.length == 0) {
        throw new GeneralSecurityException("no certificate");
      }
      keys.setKeyEntry("server", privateKey(security.privateKey()), NO_PASSWORD, chain);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw failure("server.tls.cert_chain " + security.certChain() + " / server.tls.private_key "
          + security.privateKey(), "a PEM certificate chain and its PEM PKCS#8 private key", e);
    }
    try {
      KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      km.init(keys, NO_PASSWORD);
      TrustManagerFactory tm = null;
      if (security.mutualTls()) {
        tm = trust(security.clientCa());
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(km.getKeyManagers(), tm == null ? null : tm.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("metrics endpoint TLS: " + e.getMessage(), e);
    }
  }

  private static TrustManagerFactory trust(Path clientCa) throws IOException {
    try {
      KeyStore cas = KeyStore.getInstance(KeyStore.getDefaultType());
      cas.load(null, null);
      int i = 0;
      for (Certificate c : certificates(clientCa)) {
        cas.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new GeneralSecurityException("no certificate");
      }
      TrustManagerFactory tm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tm.init(cas);
      return tm;
    } catch (IOException | GeneralSecurityException e) {
      throw failure("server.tls.client_ca " + clientCa, "PEM CA certificates", e);
    }
  }

  private static Collection<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
  }

  /** An unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}) of any algorithm the JDK knows (RSA, EC, EdDSA). */
  private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException("no PKCS#8 PRIVATE KEY block");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  private static IOException failure(String what, String expected, Exception e) {
    String reason = e instanceof java.nio.file.NoSuchFileException ? "file not found" : e.getClass().getSimpleName();
    return new IOException(what + ": cannot be read as " + expected + " (" + reason + ")");
  }
}
