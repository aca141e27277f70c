package dev.larder.serving;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Mints a throw-away CA and certificates signed by it (EC P-256, fast to generate) and writes them as PEM,
 * the way an operator's openssl commands would: certificate chain, PKCS#8 private key, CA bundle.
 */
final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(1);

  /** A certificate and its key, written as {@code name.crt} / {@code name.key}. */
  record Issued(Path cert, Path key) {}

  private final KeyPair caKeys;
  private final X509CertificateHolder caCert;
  private final Path dir;
  final Path caFile;

  /** A new CA called {@code name}, its certificate written to {@code dir/name-ca.crt}. */
  TestCertificates(Path dir, String name) throws Exception {
    this.dir = dir;
    this.caKeys = keys();
    X500Name subject = new X500Name("CN=" + name + " test CA");
    this.caCert = sign(new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(), subject,
        caKeys.getPublic()).addExtension(Extension.basicConstraints, true, new BasicConstraints(true)));
    this.caFile = dir.resolve(name + "-ca.crt");
    Files.writeString(caFile, pem(caCert));
  }

  /** A leaf certificate for {@code cn}, valid for the host name localhost. */
  Issued issue(String cn) throws Exception {
    KeyPair leaf = keys();
    X509CertificateHolder cert = sign(new JcaX509v3CertificateBuilder(caCert.getSubject(), serial(), notBefore(),
        notAfter(), new X500Name("CN=" + cn), leaf.getPublic())
        .addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost"))));
    Issued out = new Issued(dir.resolve(cn + ".crt"), dir.resolve(cn + ".key"));
    Files.writeString(out.cert(), pem(cert));
    // Java encodes private keys as PKCS#8, the form the server expects.
    Files.writeString(out.key(), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(leaf.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    return out;
  }

  private X509CertificateHolder sign(X509v3CertificateBuilder b) throws OperatorCreationException {
    return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static String pem(X509CertificateHolder cert) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(cert);
    }
    return s.toString();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(1)));
  }
}
