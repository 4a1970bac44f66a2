package io.cuttle.common.pki;

import io.cuttle.common.io.AtomicFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes identities as PEM: the key as PKCS#8 ({@code key.pem}, owner-only) and the
 * certificate ({@code cert.pem}), the forms openssl and curl read directly.
 */
public final class PemFiles {
  public static final String KEY_FILE = "key.pem";
  public static final String CERTIFICATE_FILE = "cert.pem";

  private PemFiles() {}

  /**
   * Loads the identity stored in {@code directory}, or makes and stores a new one when there is
   * none. A half-written pair (only one of the two files) is an error, not something to overwrite.
   */
  public static Identity loadOrCreate(
      Path directory, String commonName, Collection<String> dnsNames) throws IOException {
    Path key = directory.resolve(KEY_FILE);
    Path cert = directory.resolve(CERTIFICATE_FILE);
    boolean hasKey = Files.exists(key);
    boolean hasCert = Files.exists(cert);
    if (hasKey && hasCert) {
      return read(directory);
    }
    if (hasKey || hasCert) {
      throw new IOException(
          "found "
              + (hasKey ? key : cert)
              + " without "
              + (hasKey ? cert : key)
              + ": restore the missing file, or move both away to make a new identity");
    }
    Identity identity = SelfSignedCertificates.create(commonName, dnsNames);
    write(directory, identity);
    return identity;
  }

  public static void write(Path directory, Identity identity) throws IOException {
    AtomicFiles.createPrivateDirectories(directory);
    AtomicFiles.writePrivate(
        directory.resolve(KEY_FILE),
        toPem(new JcaPKCS8Generator(identity.privateKey(), null).generate()));
    AtomicFiles.write(directory.resolve(CERTIFICATE_FILE), certificatePem(identity.certificate()));
  }

  public static Identity read(Path directory) throws IOException {
    Path keyFile = directory.resolve(KEY_FILE);
    Path certFile = directory.resolve(CERTIFICATE_FILE);
    return new Identity(readPrivateKey(keyFile), readCertificate(certFile));
  }

  public static byte[] certificatePem(X509Certificate certificate) throws IOException {
    return toPem(certificate);
  }

  public static X509Certificate readCertificate(Path file) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file)))) {
      Object object = parser.readObject();
      if (!(object instanceof X509CertificateHolder holder)) {
        throw new IOException(file + " does not hold a PEM certificate");
      }
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IOException(
          file + " holds a certificate this JDK cannot read: " + e.getMessage(), e);
    }
  }

  private static PrivateKey readPrivateKey(Path file) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file)))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IOException(file + " does not hold an unencrypted PEM private key");
    }
  }

  private static byte[] toPem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
