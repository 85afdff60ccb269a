package org.securetrain.backend;

import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * The two-party operations the layer kernels are written against. Linear maps on shares (adding,
 * im2col, transposing, summing) are local and need no backend; everything here either crosses the
 * network or is non-linear. Two implementations: the real two-party backend, and
 * {@link InsecurePlaintextBackend}, a single-process oracle with identical fixed-point semantics.
 *
 * <p>Sealed, so that what runs in a two-party session can be verified by its type instead of by what it says
 * about itself: {@link TwoPartyBackend} (the protocols), {@link InsecurePlaintextBackend} (the oracle, which a
 * two-party context refuses) and {@link ForwardingBackend} (decorators that observe calls and must forward every
 * operation to the backend they wrap). No other implementation can exist, so no test or user class that opens
 * values can pass for a secure backend.
 *
 * <p>All values are one party's additive shares mod 2^64 unless stated otherwise. Both parties call
 * the same operations in the same order with the same shapes and the same {@link ProtocolId} (which names the
 * protocol instance: its streams, derived keys and traffic figures); the secure backend checks this.
 */
public sealed interface Backend permits TwoPartyBackend, InsecurePlaintextBackend, ForwardingBackend {

    FixedPoint fixedPoint();

    /** Whether this backend acts for party {@code p} (the insecure reference acts for both). */
    boolean actsFor(int p);

    /**
     * True when the backend behind any decorators is the insecure single-process reference. Derived from the
     * type ({@link ForwardingBackend#innermost}), never reported by the backend itself.
     */
    default boolean isInsecureReference() {
        return ForwardingBackend.innermost(this) instanceof InsecurePlaintextBackend;
    }

    /** Shares of op(A)·op(B) (m x k by k x n), exact mod 2^64, at the sum of the operands' scales. */
    long[] multiply(Operand a, Operand b, int m, int k, int n, ProtocolId id);

    /**
     * Shares of the correlation K (*) In ({@link org.securetrain.crypto.he.ConvShape}: kernel outCh x inCh x kh x kw,
     * input groups x inCh x h x w, output outCh x groups x outH x outW, all row-major, untransposed), exact mod
     * 2^64, at the sum of the operands' scales. The convolution layer's forward and gradient products.
     */
    long[] correlate(Operand kernel, Operand input, org.securetrain.crypto.he.ConvShape shape, ProtocolId id);

    /**
     * Exact ReLU with truncation (DESIGN.md 4.3): from shares of z (scale 2f) returns shares of
     * y = [z > 0] * floor(z / 2^f) (scale f) and boolean shares of d = [z > 0], packed LSB-first in longs.
     */
    ReluOutput reluTruncate(long[] z, ProtocolId id);

    /**
     * Faithful truncation by {@code bits}: shares of floor(x / 2^bits) or that plus or minus one ulp,
     * never a wrap-around. Requires |x| < 2^62.
     */
    long[] truncate(long[] x, int bits, ProtocolId id);

    /**
     * Exact sign test: boolean shares of d_i = [z_i &gt; 0] (signed, strict: 0 and -2^63 give 0), packed LSB-first,
     * from arithmetic shares of any 64-bit z. The one general comparison: [x &gt; c] for a public c is
     * {@code positive(x - c)} (a local subtraction), [x &lt; c] is {@code positive(c - x)}, and a multiplexer is
     * {@link #bitTimesShare} on its bits. No truncation, no range condition.
     */
    long[] positive(long[] z, ProtocolId id);

    /**
     * {@link #positive} for values known to satisfy |z_i| &lt; 2^bits (bits in [1, 62]): the same bits, from a bits-bit
     * comparison instead of a 64-bit one where the engine has one (SIRNN's reduced-width sign test). The caller
     * guarantees the bound; the plaintext reference checks it and fails on a value outside.
     */
    long[] positiveBounded(long[] z, int bits, ProtocolId id);

    /** Shares of d_i * x_i for boolean-shared bits d (packed) and arithmetic shares x (DESIGN.md 4.4). */
    long[] bitTimesShare(long[] bits, long[] x, ProtocolId id);

    /**
     * Lookup of public tables at secret-shared digits: from shares of d-bit digits x_i in Z_{2^d} (each party's low d
     * bits of its share; higher bits are ignored), d in [1, 8], and t &gt;= 1 public tables of 2^d 64-bit entries back
     * to back (both parties pass the same), arithmetic shares mod 2^64 of table_j[x_i], where the n digits split into
     * t equal segments and segment j uses table j. Exact; one 1-out-of-2^d OT per element, all in one run
     * ({@link org.securetrain.protocols.nonlinear.TableLookupOt}).
     */
    long[] lookup(long[] digitShares, int d, long[] table, ProtocolId id);

    /**
     * Shares of x[i]*y[i] mod 2^64 (no truncation), both parties call with their shares and the same id. Exact;
     * the product of two values at scale f is at scale 2f (truncate it with {@link #truncate}).
     */
    long[] multiplyElementwise(long[] x, long[] y, ProtocolId id);

    /** Shares of x[i]*x[i] mod 2^64: one cross term instead of two. */
    long[] square(long[] x, ProtocolId id);

    /**
     * Max over windows of k values (input laid out window-major, n windows): shares of each window's
     * max and boolean shares of the one-hot argmax (n*k bits, packed), first maximum wins ties.
     */
    MaxOutput maxWithArgmax(long[] values, int k, ProtocolId id);

    /**
     * The range guard's check (DESIGN.md 4.3's "never a wrap-around"): this party's share mod 2^countBits, in
     * [0, 2^countBits), of how many x_i lie outside [-2^bits, 2^bits) (signed 64-bit), with bits in [57, 62] and
     * countBits in [2, 63], x.length &lt; 2^countBits. Nothing is opened; {@link #revealNonZero} opens the verdict.
     */
    long countOutsideRange(long[] x, int bits, int countBits, ProtocolId id);

    /**
     * Opens to both parties the one bit [s != 0 mod 2^countBits] of a value shared mod 2^countBits (countBits in
     * [1, 63]), and nothing else about s. Both parties get the same answer.
     */
    boolean revealNonZero(long share, int countBits, ProtocolId id);

    /**
     * {@link #truncate} of x and {@link #countOutsideRange} of the same x together: the range guard's check of a
     * truncation's input, run in the truncation's flights where the engine can.
     */
    Counted<long[]> truncateCounting(long[] x, int bits, int rangeBits, int countBits, ProtocolId id);

    /**
     * {@link #reluTruncate} of z and {@link #countOutsideRange} of the same z together (as {@link #truncateCounting}).
     */
    Counted<ReluOutput> reluTruncateCounting(long[] z, int rangeBits, int countBits, ProtocolId id);

    /** Reconstructs a shared tensor at {@code receiver} only: the value there, null at the other party. */
    long[] revealTo(int receiver, long[] share, ProtocolId id);

    /** An operation's result and this party's share of the range count of its input ({@link #countOutsideRange}). */
    record Counted<T>(T result, long count) {
    }

    /** Shares of ReLU output and derivative bits. */
    record ReluOutput(long[] y, long[] bits) {
    }

    /** Shares of window maxima and one-hot argmax bits. */
    record MaxOutput(long[] max, long[] argmaxBits) {
    }
}
