package dev.larder.serving;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * Checks the server's certificate and private key before the server starts: both files parse (PEM X.509 chain,
 * PEM PKCS#8 key), and the key belongs to the first certificate of the chain, proven by signing a random
 * challenge and verifying it with the certificate's public key. Without this, a key of another certificate
 * started a "secure" server whose every handshake then failed with nothing in its log. Messages name the
 * setting and the file, never the content.
 */
final class TlsKeyPair {
  private TlsKeyPair() {}

  static void check(Path certChain, Path privateKey) throws IOException {
    X509Certificate leaf = firstCertificate(certChain);
    PrivateKey key = privateKey(privateKey, leaf.getPublicKey().getAlgorithm());
    if (!matches(key, leaf.getPublicKey())) {
      throw new IOException("server.tls.private_key " + privateKey + " does not belong to the certificate in"
          + " server.tls.cert_chain " + certChain + " (subject " + leaf.getSubjectX500Principal().getName()
          + "): every TLS handshake would fail; use the key the certificate was issued for");
    }
  }

  private static X509Certificate firstCertificate(Path file) throws IOException {
    byte[] bytes = read(file, "server.tls.cert_chain");
    try {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
      if (certs.isEmpty()) {
        throw new IOException("server.tls.cert_chain " + file + ": no certificate in the file; expected a PEM"
            + " certificate chain (-----BEGIN CERTIFICATE-----)");
      }
      return (X509Certificate) certs.iterator().next();
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException("server.tls.cert_chain " + file + ": cannot be read as a PEM certificate chain ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private static PrivateKey privateKey(Path file, String algorithm) throws IOException {
    String text = new String(read(file, "server.tls.private_key"), StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf("-----END PRIVATE KEY-----");
    if (from < 0 || to < from) {
      String hint = text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")
          ? "; it is a PKCS#1/SEC1 key: convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`"
          : text.contains("ENCRYPTED PRIVATE KEY") ? "; it is encrypted: the server needs an unencrypted key" : "";
      throw new IOException("server.tls.private_key " + file + ": not a PEM PKCS#8 private key (expected "
          + begin + ")" + hint);
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("server.tls.private_key " + file + ": cannot be read as a PKCS#8 " + algorithm
          + " private key (" + e.getClass().getSimpleName() + "); the certificate's key is " + algorithm);
    }
  }

  private static boolean matches(PrivateKey key, PublicKey pub) throws IOException {
    String alg = switch (pub.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> null;
    };
    if (alg == null) {
      return true; // an algorithm we cannot check; the TLS library still validates at handshake time
    }
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    try {
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(challenge);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(challenge);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static byte[] read(Path file, String setting) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(setting + " " + file + ": file not found");
    } catch (IOException e) {
      throw new IOException(setting + " " + file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }
}
