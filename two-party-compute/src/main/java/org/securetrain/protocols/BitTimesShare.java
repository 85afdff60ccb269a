package org.securetrain.protocols;

import java.util.concurrent.CompletableFuture;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.RingCotReceiver;
import org.securetrain.crypto.ot.RingCotSender;
import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.PartyThreads;
import org.securetrain.runtime.PeerAbortedException;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionException;

/**
 * Multiplies a boolean-shared bit vector by an arithmetic-shared vector (DESIGN.md 4.4: delta_z =
 * delta_y ⊙ d, and max-pool's argmax routing): given d = d0 ⊕ d1 (party p holds d_p packed LSB-first)
 * and x = x0 + x1 mod 2^64, outputs fresh shares z0 + z1 = d·x mod 2^64, exactly.
 *
 * <p>Construction: d·x = d·x0 + d·x1, and with d = d0 + d1 - 2·d0·d1 over the integers,
 * d·x_p = d_p·x_p + d_{1-p}·(1 - 2·d_p)·x_p. The second term is one ring correlated OT per element in
 * which party p is the sender with correlation delta_i = (1 - 2·d_p,i)·x_p,i (that is x_p,i or
 * -x_p,i) and party 1-p the receiver with choice bit d_{1-p},i: the sender gets r_i, the receiver
 * r_i + d_{1-p},i·delta_i. Party p's output is z_p = d_p·x_p - r + y, where y is what it received as
 * receiver in the other direction. So two correlated OTs per element, one per direction, both directions
 * running concurrently on their own channels ({@code "ot." + id + ".p0s"} and {@code ".p1s"}).
 * The outputs are masked by the pseudorandom r of both directions, so each output share alone is
 * uniform.
 *
 * <p>Cost per element: 2 × (16 bytes u + 8 bytes correction) = 48 bytes in total, two flights per
 * direction.
 */
public final class BitTimesShare {
    private BitTimesShare() {
    }

    /**
     * Called by both parties with the same {@code n} and protocol {@code id}. {@code myBits} holds this
     * party's boolean shares (bit i = {@code myBits[i >>> 6] >>> (i & 63) & 1}, at least ceil(n/64)
     * words), {@code myShares} its arithmetic shares (at least n). Returns this party's n output shares.
     * Repeated calls with the same id reuse the same OT instances (sequentially; use distinct
     * ids for calls that run concurrently). A length mismatch between the parties fails both with an
     * {@link org.securetrain.runtime.AgreementException} naming both lengths; bad local arguments throw
     * {@link IllegalArgumentException} and abort the session so the peer fails at once instead of waiting.
     */
    public static long[] multiply(OtEngine eng, long[] myBits, long[] myShares, int n, ProtocolId id) {
        Session session = eng.session();
        try {
            checkArgs(myBits, myShares, n, id);
        } catch (IllegalArgumentException e) {
            session.abort(AbortReason.failure("BitTimesShare " + id, e));
            throw e;
        }
        int me = eng.party();
        ProtocolId mine = id.child("p" + me + "s");
        ProtocolId theirs = id.child("p" + (1 - me) + "s");
        RingCotSender sender = eng.ringCotSender(mine);
        RingCotReceiver receiver = eng.ringCotReceiver(theirs);
        String record = "multiplies " + n + " boolean-shared bits by arithmetic shares";
        eng.channel(mine).agree(record);
        eng.channel(theirs).agree(record);

        long[] delta = new long[n];
        for (int i = 0; i < n; i++) {
            long d = myBits[i >>> 6] >>> (i & 63) & 1;
            long x = myShares[i];
            delta[i] = (x ^ -d) + d; // d = 0: x; d = 1: -x (two's complement)
        }
        CompletableFuture<long[]> sent = session.threads().beside(() -> sender.send(delta, n));
        long[] y = null;
        RuntimeException failure = null;
        try {
            y = receiver.receive(myBits, n);
        } catch (RuntimeException e) {
            failure = e;
        }
        long[] r = null;
        try {
            r = PartyThreads.join(sent);
        } catch (RuntimeException e) {
            failure = preferred(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
        long[] z = y; // z = d_p·x_p - r + y, in place
        for (int i = 0; i < n; i++) {
            long d = myBits[i >>> 6] >>> (i & 63) & 1;
            z[i] += (myShares[i] & -d) - r[i];
        }
        return z;
    }

    /** Keep the root cause: a local error over the echo of the peer's abort. */
    private static RuntimeException preferred(RuntimeException first, RuntimeException second) {
        if (first == null) {
            return second;
        }
        if (first instanceof PeerAbortedException || (first instanceof SessionException
                && !(second instanceof SessionException))) {
            return second;
        }
        return first;
    }

    private static void checkArgs(long[] bits, long[] shares, int n, ProtocolId id) {
        if (id == null) {
            throw new IllegalArgumentException("protocol id is null");
        }
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (bits == null || bits.length < (n + 63) >>> 6) {
            throw new IllegalArgumentException("bit shares hold " + (bits == null ? 0 : 64L * bits.length)
                    + " bits, n = " + n + " elements need " + ((n + 63) >>> 6) + " words");
        }
        if (shares == null || shares.length < n) {
            throw new IllegalArgumentException("arithmetic shares have length " + (shares == null ? 0 : shares.length)
                    + ", n = " + n);
        }
    }
}
