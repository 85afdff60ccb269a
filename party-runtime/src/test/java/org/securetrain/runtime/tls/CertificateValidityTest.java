package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.runtime.tls.TlsTestSupport.*;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.runtime.HandshakeException;
import org.securetrain.runtime.PeerTimeoutException;
import org.securetrain.runtime.Role;

/**
 * Issue 19, case 6: an expired (or not yet valid) pinned peer certificate used to be accepted without a word,
 * only its fingerprint was checked. The dates are now checked on both sides, with an explicit override.
 */
@Timeout(60)
class CertificateValidityTest {
    @TempDir
    Path dir;

    /** A self-signed identity valid only from {@code notBefore} to {@code notAfter}, loaded from PEM files. */
    private TlsIdentity identity(String name, Instant notBefore, Instant notAfter) throws Exception {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair kp = kpg.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name + ", O=SecureTrain party");
        var holder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(new SecureRandom().nextInt(1 << 30) + 1L),
                Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
        StringWriter k = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(k)) {
            w.writeObject(new JcaPKCS8Generator(kp.getPrivate(), null));
        }
        StringWriter c = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(c)) {
            w.writeObject(new JcaX509CertificateConverter().getCertificate(holder));
        }
        Path key = dir.resolve(name + ".key");
        Path crt = dir.resolve(name + ".crt");
        Files.writeString(key, k.toString(), StandardCharsets.US_ASCII);
        Files.writeString(crt, c.toString(), StandardCharsets.US_ASCII);
        return TlsIdentity.load(key, crt);
    }

    private static TlsTransport.Builder listener(TlsIdentity peer) {
        return TlsTransport.builder().options(opts(Role.MODEL_OWNER).build()).identity(ALICE)
                .pinnedPeer(peer.fingerprint()).acceptTimeout(Duration.ofSeconds(4));
    }

    private static TlsTransport.Builder connector(TlsIdentity me) {
        return TlsTransport.builder().options(opts(Role.DATA_OWNER).build()).identity(me).pinnedPeer(ALICE.fingerprint())
                .connectTimeout(Duration.ofSeconds(10));
    }

    @Test
    void expiredPinnedCertificateIsRefusedNamingTheDate() throws Exception {
        Instant now = Instant.now();
        TlsIdentity expired = identity("expired", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        try (Outcome o = open(listener(expired), connector(expired))) {
            assertNull(o.listener(), "a session with an expired peer certificate");
            PeerTimeoutException l = assertInstanceOf(PeerTimeoutException.class, o.listenerError());
            assertTrue(l.getMessage().contains("expired on " + expired.certificate().getNotAfter().toInstant())
                    && l.getMessage().contains("--ignore-peer-certificate-dates"), l.getMessage());
            HandshakeException c = assertInstanceOf(HandshakeException.class, o.connectorError());
            assertTrue(c.getMessage().contains("certificate_expired") && c.getMessage().contains("keygen"),
                    c.getMessage());
        }
    }

    @Test
    void notYetValidPinnedCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        TlsIdentity future = identity("future", now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(400)));
        // this time the listener's own certificate is the bad one: the connecting side refuses it
        TlsTransport.Builder l = TlsTransport.builder().options(opts(Role.MODEL_OWNER).build()).identity(future)
                .pinnedPeer(BOB.fingerprint()).acceptTimeout(Duration.ofSeconds(4));
        TlsTransport.Builder c = TlsTransport.builder().options(opts(Role.DATA_OWNER).build()).identity(BOB)
                .pinnedPeer(future.fingerprint()).connectTimeout(Duration.ofSeconds(10));
        try (Outcome o = open(l, c)) {
            assertNull(o.connector());
            HandshakeException e = assertInstanceOf(HandshakeException.class, o.connectorError());
            assertEquals("peerCertificate", e.field());
            assertTrue(e.getMessage().contains("is not valid before " + future.certificate().getNotBefore().toInstant()),
                    e.getMessage());
        }
    }

    @Test
    void datesCanBeIgnoredExplicitly() throws Exception {
        Instant now = Instant.now();
        TlsIdentity expired = identity("expired2", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        try (Outcome o = open(listener(expired).ignorePeerCertificateDates(true), connector(expired))) {
            assertNotNull(o.listener(), String.valueOf(o.listenerError()));
            assertNotNull(o.connector(), String.valueOf(o.connectorError()));
            o.connector().channel("x").send(new byte[] {1});
            assertArrayEquals(new byte[] {1}, o.listener().channel("x").receive());
        }
    }
}
