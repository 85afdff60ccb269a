package org.securetrain.runtime.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.securetrain.runtime.PartyThreads;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Shared Netty plumbing of the TLS transport: allocator, event loops, error descriptions. */
final class NettySupport {

    /**
     * Pooled direct buffers with 16 MiB chunks (Netty's default is 4 MiB), so a whole frame of the
     * default 8 MiB limit is a pooled allocation rather than a fresh malloc per frame.
     */
    static final ByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true, 1, 2, 8192, 11, 256, 64, true);

    private NettySupport() {
    }

    /**
     * One event-loop thread per session, made by the party's {@link PartyThreads} (named by party, daemon so a
     * forgotten session never keeps a JVM alive, its CPU time counted for the party; a closed session shuts
     * its loop down anyway).
     */
    static NioEventLoopGroup newEventLoop(String what, PartyThreads threads) {
        return new NioEventLoopGroup(1, threads.factory("tls-" + what, FastThreadLocalThread::new));
    }

    static String label(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getHostString() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    /** The innermost useful cause: Netty wraps TLS errors in DecoderException. */
    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof DecoderException || c instanceof java.util.concurrent.CompletionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** The fingerprint mismatch our trust manager raised, if it is anywhere in the cause chain. */
    static PinnedPeerTrustManager.FingerprintMismatchException findMismatch(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PinnedPeerTrustManager.FingerprintMismatchException m) {
                return m;
            }
            for (Throwable s : c.getSuppressed()) {
                if (s instanceof PinnedPeerTrustManager.FingerprintMismatchException m) {
                    return m;
                }
            }
        }
        return null;
    }

    private static final String[] CERT_ALERTS = {"bad_certificate", "certificate_unknown", "unknown_ca",
        "unsupported_certificate", "certificate_expired"};

    /**
     * The TLS alert by which the peer refused our certificate (BoringSSL and JDK spellings), or null if
     * the failure is something else.
     */
    static String certificateAlert(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m == null) {
                continue;
            }
            String lower = m.toLowerCase(java.util.Locale.ROOT);
            for (String a : CERT_ALERTS) {
                if (lower.contains(a)) {
                    return a;
                }
            }
        }
        return null;
    }

    /** What this party must do when the peer refused its certificate with {@code alert}. */
    static String remedy(String alert, String localFingerprint) {
        if ("certificate_expired".equals(alert)) {
            return "the peer checks validity dates and this party's certificate is expired or not yet valid (check"
                    + " both clocks); generate a new identity (keygen) and give the peer its fingerprint";
        }
        return "it must pin fingerprint " + localFingerprint;
    }

    /** One line saying why a TLS connection failed, for logs and exception messages. */
    static String describe(Throwable t) {
        PinnedPeerTrustManager.FingerprintMismatchException m = findMismatch(t);
        if (m != null) {
            return m.getMessage();
        }
        Throwable c = unwrap(t);
        if (c instanceof NotSslRecordException) {
            return "not a TLS client (it sent bytes that are not a TLS record)";
        }
        String msg = c.getMessage();
        return c.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
