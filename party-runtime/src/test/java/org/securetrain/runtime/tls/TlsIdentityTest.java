package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.runtime.Hex;

class TlsIdentityTest {
    @TempDir
    Path dir;

    @Test
    void savedIdentityLoadsBackWithTheSameFingerprint() throws Exception {
        TlsIdentity id = TlsIdentity.generate("carol");
        id.save(dir.resolve("c.key.pem"), dir.resolve("c.crt.pem"));
        TlsIdentity back = TlsIdentity.load(dir.resolve("c.key.pem"), dir.resolve("c.crt.pem"));
        assertEquals(id.fingerprint(), back.fingerprint());
        assertEquals(Hex.of(MessageDigest.getInstance("SHA-256").digest(id.certificate().getEncoded())), id.fingerprint());
        assertEquals("EC", back.privateKey().getAlgorithm());
        assertTrue(back.subject().contains("CN=carol"), back.subject());
        assertTrue(Files.readString(dir.resolve("c.key.pem")).contains("BEGIN PRIVATE KEY")); // PKCS#8
        back.certificate().checkValidity();
        back.certificate().verify(back.certificate().getPublicKey()); // self-signed
    }

    @Test
    void keyFromAnotherIdentityIsRejected() throws Exception {
        TlsIdentity a = TlsIdentity.generate("a");
        TlsIdentity b = TlsIdentity.generate("b");
        a.save(dir.resolve("a.key.pem"), dir.resolve("a.crt.pem"));
        b.save(dir.resolve("b.key.pem"), dir.resolve("b.crt.pem"));
        IOException e = assertThrows(IOException.class, () -> TlsIdentity.load(dir.resolve("a.key.pem"),
                dir.resolve("b.crt.pem")));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        e = assertThrows(IOException.class, () -> TlsIdentity.load(dir.resolve("a.crt.pem"), dir.resolve("a.crt.pem")));
        assertTrue(e.getMessage().contains("private key"), e.getMessage());
        e = assertThrows(IOException.class, () -> TlsIdentity.load(dir.resolve("missing.pem"), dir.resolve("a.crt.pem")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void fingerprintsAreNormalisedAndValidated() {
        String fp = TlsIdentity.generate("x").fingerprint();
        StringBuilder colons = new StringBuilder();
        for (int i = 0; i < fp.length(); i += 2) {
            colons.append(i == 0 ? "" : ":").append(fp, i, i + 2);
        }
        assertEquals(fp, TlsIdentity.parseFingerprint(colons.toString().toUpperCase()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsIdentity.parseFingerprint(fp.substring(2)));
        assertTrue(e.getMessage().contains("64 hex digits"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TlsIdentity.parseFingerprint(fp.replace(fp.charAt(0), 'g')));
    }
}
