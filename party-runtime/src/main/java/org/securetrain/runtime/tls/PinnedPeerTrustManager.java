package org.securetrain.runtime.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one certificate: the peer's, identified by the SHA-256 fingerprint of its DER encoding,
 * and only within its validity dates. No CA, no host name check: the fingerprint exchanged out of band is the
 * trust decision, and the dates bound how long it holds (a pinned key is retired by letting its certificate
 * expire). Checking the dates can be switched off explicitly, e.g. for a peer whose clock is wrong. Used for
 * both directions (the server requires a client certificate).
 */
final class PinnedPeerTrustManager extends X509ExtendedTrustManager {
    private final String pinned;
    private final boolean openSsl;
    private final boolean checkValidity;

    /**
     * @param openSsl true when BoringSSL runs the handshake: the rejection then carries an X.509 error
     *        code so the peer receives a "bad certificate"-type alert rather than "internal error"
     */
    PinnedPeerTrustManager(String pinnedFingerprint, boolean openSsl) {
        this(pinnedFingerprint, openSsl, true);
    }

    /**
     * @param checkValidity false to accept the pinned certificate outside its validity dates (an explicit
     *        choice of the operator)
     */
    PinnedPeerTrustManager(String pinnedFingerprint, boolean openSsl, boolean checkValidity) {
        this.pinned = TlsIdentity.parseFingerprint(pinnedFingerprint);
        this.openSsl = openSsl;
        this.checkValidity = checkValidity;
    }

    /** The peer presented a certificate other than the pinned one, or the pinned one outside its dates. */
    static final class FingerprintMismatchException extends CertificateException {
        private final int x509Error;

        FingerprintMismatchException(String message) {
            this(message, io.netty.internal.tcnative.CertificateVerifier.X509_V_ERR_CERT_REJECTED);
        }

        FingerprintMismatchException(String message, int x509Error) {
            super(message);
            this.x509Error = x509Error;
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
        if (checkValidity) {
            String who = "peer certificate " + got + " (" + chain[0].getSubjectX500Principal().getName() + ")";
            String how = ": the pinned certificate is used only within its validity dates; give the peer a new"
                    + " identity (keygen) and pin its fingerprint, or accept the dates explicitly"
                    + " (TlsTransport.Builder.ignorePeerCertificateDates, launcher --ignore-peer-certificate-dates)";
            try {
                chain[0].checkValidity();
            } catch (java.security.cert.CertificateExpiredException e) {
                throw reject(new FingerprintMismatchException(who + " expired on "
                        + chain[0].getNotAfter().toInstant() + how,
                        io.netty.internal.tcnative.CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED));
            } catch (java.security.cert.CertificateNotYetValidException e) {
                throw reject(new FingerprintMismatchException(who + " is not valid before "
                        + chain[0].getNotBefore().toInstant() + how,
                        io.netty.internal.tcnative.CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID));
            }
        }
    }

    private CertificateException reject(FingerprintMismatchException m) {
        if (openSsl) {
            return new io.netty.handler.ssl.OpenSslCertificateException(m.getMessage(), m, m.x509Error);
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
