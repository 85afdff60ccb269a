package org.securetrain.runtime.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.securetrain.runtime.Hex;

/**
 * One party's TLS identity: an ECDSA P-256 key pair and a self-signed X.509 certificate. There is no
 * certificate authority: each party pins the SHA-256 {@link #fingerprint()} of the other's certificate,
 * exchanged out of band. P-256 ECDSA is accepted by both BoringSSL (tcnative) and the JDK engine for
 * client and server authentication in TLS 1.3.
 *
 * <p>Bouncy Castle builds and parses the certificate and PEM files; the key pair, the signature and the
 * certificate object come from the JDK's own providers, so Bouncy Castle is never registered as a JCE
 * provider (a shaded, unsigned copy of it works).
 */
public final class TlsIdentity {
    private static final Duration VALIDITY = Duration.ofDays(3650);

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final String fingerprint;

    private TlsIdentity(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.fingerprint = fingerprintOf(certificate);
    }

    /** A fresh key pair and self-signed certificate with subject {@code CN=name, O=SecureTrain party}. */
    public static TlsIdentity generate(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("identity name must not be blank");
        }
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair kp = kpg.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name)
                    .addRDN(BCStyle.O, "SecureTrain party").build();
            Instant now = Instant.now();
            BigInteger serial = new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), subject, kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
            return new TlsIdentity(kp.getPrivate(), cert);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("could not generate a TLS identity: " + e, e);
        }
    }

    /**
     * Loads a PKCS#8 (or traditional "EC PRIVATE KEY") PEM private key and a PEM certificate, and checks
     * that they belong together.
     */
    public static TlsIdentity load(Path keyPem, Path certPem) throws IOException {
        PrivateKey key = readPrivateKey(keyPem);
        X509Certificate cert = readCertificate(certPem);
        if (!(key instanceof ECPrivateKey)) {
            throw new IOException("key file " + keyPem + " holds a " + key.getAlgorithm()
                    + " key; SecureTrain identities use EC P-256 (make one with 'keygen')");
        }
        if (!keyMatchesCertificate(key, cert)) {
            throw new IOException("private key " + keyPem + " does not match the public key of certificate " + certPem);
        }
        return new TlsIdentity(key, cert);
    }

    /** Writes {@code NAME.key.pem} (PKCS#8, owner-only permissions where supported) and {@code NAME.crt.pem}. */
    public void save(Path keyPem, Path certPem) throws IOException {
        StringWriter k = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(k)) {
            w.writeObject(new JcaPKCS8Generator(privateKey, null));
        }
        StringWriter c = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(c)) {
            w.writeObject(certificate);
        }
        Files.writeString(keyPem, k.toString(), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(keyPem, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: leave the default permissions
        }
        Files.writeString(certPem, c.toString(), StandardCharsets.US_ASCII);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the DER certificate, 64 lower-case hex digits: what the peer pins. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The certificate subject, e.g. {@code CN=alice,O=SecureTrain party}. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    /** SHA-256 of the certificate's DER encoding, lower-case hex. */
    public static String fingerprintOf(X509Certificate cert) {
        try {
            return Hex.of(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint certificate: " + e, e);
        }
    }

    /**
     * Normalises a pinned fingerprint: 64 hex digits, optionally separated by colons, any case.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static String parseFingerprint(String text) {
        if (text == null) {
            throw new IllegalArgumentException("peer fingerprint is missing");
        }
        String t = text.trim().replace(":", "").toLowerCase(java.util.Locale.ROOT);
        if (t.length() != 64 || !t.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            throw new IllegalArgumentException("peer fingerprint must be 64 hex digits (the SHA-256 of the peer's"
                    + " certificate, as printed by 'keygen'), got '" + text + "'");
        }
        return t;
    }

    private static PrivateKey readPrivateKey(Path p) throws IOException {
        Object o = readPem(p, "private key");
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        if (o instanceof PrivateKeyInfo pki) {
            return conv.getPrivateKey(pki);
        }
        if (o instanceof PEMKeyPair pkp) {
            return conv.getKeyPair(pkp).getPrivate();
        }
        throw new IOException("file " + p + " does not hold an unencrypted private key (found "
                + (o == null ? "no PEM object" : o.getClass().getSimpleName()) + ")");
    }

    private static X509Certificate readCertificate(Path p) throws IOException {
        Object o = readPem(p, "certificate");
        if (!(o instanceof X509CertificateHolder h)) {
            throw new IOException("file " + p + " does not hold an X.509 certificate (found "
                    + (o == null ? "no PEM object" : o.getClass().getSimpleName()) + ")");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("certificate " + p + " is malformed: " + e.getMessage(), e);
        }
    }

    private static Object readPem(Path p, String what) throws IOException {
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            return parser.readObject();
        } catch (NoSuchFileException e) {
            throw new IOException(what + " file " + p + " does not exist", e);
        } catch (IOException e) {
            throw new IOException("cannot read " + what + " file " + p + ": " + e.getMessage(), e);
        }
    }

    private static boolean keyMatchesCertificate(PrivateKey key, X509Certificate cert) {
        try {
            byte[] probe = "securetrain key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + subject() + ", sha256 " + fingerprint + "]";
    }
}
