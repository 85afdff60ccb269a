package org.securetrain.runtime.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one certificate: the peer's, identified by the SHA-256 fingerprint of its DER encoding.
 * No CA, no host name check: the fingerprint exchanged out of band is the whole trust decision. Used
 * for both directions (the server requires a client certificate).
 */
final class PinnedPeerTrustManager extends X509ExtendedTrustManager {
    private final String pinned;
    private final boolean openSsl;

    /**
     * @param openSsl true when BoringSSL runs the handshake: the rejection then carries an X.509 error
     *        code so the peer receives a "bad certificate"-type alert rather than "internal error"
     */
    PinnedPeerTrustManager(String pinnedFingerprint, boolean openSsl) {
        this.pinned = TlsIdentity.parseFingerprint(pinnedFingerprint);
        this.openSsl = openSsl;
    }

    /** The peer presented a certificate other than the pinned one. */
    static final class FingerprintMismatchException extends CertificateException {
        FingerprintMismatchException(String message) {
            super(message);
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw reject(new FingerprintMismatchException("peer presented no certificate; pinned " + pinned));
        }
        String got = TlsIdentity.fingerprintOf(chain[0]);
        if (!java.security.MessageDigest.isEqual(got.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                pinned.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            throw reject(new FingerprintMismatchException("peer certificate fingerprint " + got + " ("
                    + chain[0].getSubjectX500Principal().getName() + ") does not match pinned " + pinned));
        }
    }

    private CertificateException reject(FingerprintMismatchException m) {
        if (openSsl) {
            return new io.netty.handler.ssl.OpenSslCertificateException(m.getMessage(), m,
                    io.netty.internal.tcnative.CertificateVerifier.X509_V_ERR_CERT_REJECTED);
        }
        return m;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
