package org.securetrain.protocols;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.view.ForbiddenWords;
import org.securetrain.runtime.view.TwoPartyViews;
import org.securetrain.runtime.view.TwoPartyViews.Outputs;
import org.securetrain.runtime.view.View;
import org.securetrain.runtime.view.ViewAssert;

/**
 * What each party sees of the round-1 kernels (the GC engine: faithful truncation and bit times share on IKNP
 * correlated OT, ReLU with truncation and max-pool by garbled circuit): every message it receives on every
 * stream during one call, plus its output shares, recorded for two private inputs of the other party while
 * its own input stays the same. Input A makes the shared value zero (the peer's share is minus the observer's);
 * input B makes it random. The views must have the same message schedule, the same distributions (two-sample
 * byte chi-square and Kolmogorov-Smirnov per message, per stream and per output) and must contain none of the
 * peer's private words (its share, the shared value, the kernel's plaintext result, their negations).
 *
 * <p>Each kernel's test runs a deliberately leaky variant ({@link LeakyVariants}) through the same checks and
 * requires them to fail: the negative control.
 */
@Timeout(600)
class GcEngineViewTest {
    static final ProtocolId ID = ProtocolId.parse("view.kernel");
    static final SplittableRandom RND = new SplittableRandom(new SecureRandom().nextLong());

    /** One party's side of a kernel call over its OT engine. */
    interface Kernel {
        Outputs run(OtEngine ot, int party);
    }

    static View observe(int observer, Kernel k) {
        return TwoPartyViews.run((s, p) -> OtEngine.setup(s, new SecureRandom()),
                (OtEngine ot, org.securetrain.runtime.Session s, int p) -> k.run(ot, p)).party(observer);
    }

    static long[] random(int n, int shift) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = RND.nextLong() >> shift;
        }
        return v;
    }

    static long[] minus(long[] a, long[] b) {
        long[] r = new long[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    /** The observer's fixed share and the peer's shares for value zero (A) and a random value (B). */
    record Inputs(long[] own, long[] valueB, long[] peerA, long[] peerB) {
        static Inputs of(int n, int valueShift) {
            long[] own = random(n, 0);
            long[] valueB = random(n, valueShift);
            return new Inputs(own, valueB, minus(new long[n], own), minus(valueB, own));
        }

        long[] peer(boolean b) {
            return b ? peerB : peerA;
        }

        long[] value(boolean b) {
            return b ? valueB : new long[own.length];
        }
    }

    /**
     * Runs the checks on the views of runs A and B (what the negative controls must fail): indistinguishable, and
     * every output a uniformly random share on its own (outputs named "... bits" are packed bits).
     */
    static void check(View a, ForbiddenWords fa, View b, ForbiddenWords fb, String what) {
        ViewAssert.assertIndistinguishable(a, fa, b, fb, what);
        for (View v : new View[] {a, b}) {
            v.outputs().forEach((name, words) -> {
                if (name.endsWith("bits")) {
                    ViewAssert.assertUniformBits(words, 64 * words.length, what + ", " + name);
                } else {
                    ViewAssert.assertUniform(words, what + ", " + name);
                }
            });
        }
    }

    /** Runs a negative control and prints which check caught it (visible in the test's output). */
    static void assertCaught(org.junit.jupiter.api.function.Executable checks, String what) {
        String why = ViewAssert.assertLeakCaught(checks, what);
        System.out.println("negative control '" + what + "' caught: " + why);
    }

    // ---- faithful truncation (IKNP ring COT) ----

    static final int TRUNC_N = 1 << 14;
    static final int TRUNC_BITS = 16;

    static View truncation(int observer, Inputs in, boolean b, int leaker) {
        return observe(observer, (ot, p) -> {
            long[] share = p == observer ? in.own() : in.peer(b);
            var check = ot.session().channel("kernels.control");
            long[] y = leaker < 0 ? FaithfulTruncation.truncate(ot, share, TRUNC_BITS, ID)
                    : LeakyVariants.truncationSendingShare(ot, check, share, TRUNC_BITS, ID, leaker);
            return Outputs.of("output share", y);
        });
    }

    static ForbiddenWords truncationSecrets(Inputs in, boolean b) {
        long[] x = in.value(b);
        long[] t = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            t[i] = x[i] >> TRUNC_BITS;
        }
        return ForbiddenWords.of("the peer's share", in.peer(b)).and("x", x).and("x >> k", t);
    }

    @Test
    void faithfulTruncation() {
        for (int obs = 0; obs < 2; obs++) {
            Inputs in = Inputs.of(TRUNC_N, 2);
            check(truncation(obs, in, false, -1), truncationSecrets(in, false), truncation(obs, in, true, -1),
                    truncationSecrets(in, true), "faithful truncation, party " + obs + "'s view");
        }
        // negative control: party 0 also sends its input share in the clear; party 1's view must fail
        Inputs in = Inputs.of(TRUNC_N, 2);
        View a = truncation(1, in, false, 0);
        View b = truncation(1, in, true, 0);
        assertCaught(() -> check(a, truncationSecrets(in, false), b, truncationSecrets(in, true),
                "leaky truncation"), "faithful truncation with party 0's share in the clear");
    }

    // ---- bit times share (IKNP ring COT, both directions) ----

    static final int BTS_N = 1 << 14;

    static View bitTimesShare(int observer, Inputs x, long[] ownBits, long[] peerBitsB, boolean b, boolean leaky) {
        return observe(observer, (ot, p) -> {
            boolean me = p == observer;
            long[] bits = me ? ownBits : b ? peerBitsB : new long[ownBits.length];
            long[] share = me ? x.own() : x.peer(b);
            long[] z = leaky ? LeakyVariants.unmaskedBitTimesShare(ot, bits, share, BTS_N, ID)
                    : BitTimesShare.multiply(ot, bits, share, BTS_N, ID);
            return Outputs.of("output share", z);
        });
    }

    static ForbiddenWords btsSecrets(Inputs x, long[] ownBits, long[] peerBitsB, boolean b) {
        long[] peerBits = b ? peerBitsB : new long[ownBits.length];
        long[] v = x.value(b);
        long[] prod = new long[BTS_N];
        for (int i = 0; i < BTS_N; i++) {
            long d = (ownBits[i >>> 6] ^ peerBits[i >>> 6]) >>> (i & 63) & 1;
            prod[i] = d == 1 ? v[i] : 0;
        }
        return ForbiddenWords.of("the peer's share", x.peer(b)).and("the peer's bits", peerBits).and("x", v)
                .and("d x", prod);
    }

    @Test
    void bitTimesShare() {
        for (int obs = 0; obs < 2; obs++) {
            Inputs x = Inputs.of(BTS_N, 0);
            long[] ownBits = random(BTS_N / 64, 0);
            long[] peerBits = random(BTS_N / 64, 0);
            check(bitTimesShare(obs, x, ownBits, peerBits, false, false), btsSecrets(x, ownBits, peerBits, false),
                    bitTimesShare(obs, x, ownBits, peerBits, true, false), btsSecrets(x, ownBits, peerBits, true),
                    "bit times share, party " + obs + "'s view");
        }
        // negative control: the correlations cross in the clear instead of inside the OT
        Inputs x = Inputs.of(BTS_N, 0);
        long[] ownBits = random(BTS_N / 64, 0);
        long[] peerBits = random(BTS_N / 64, 0);
        View a = bitTimesShare(1, x, ownBits, peerBits, false, true);
        View b = bitTimesShare(1, x, ownBits, peerBits, true, true);
        assertCaught(() -> check(a, btsSecrets(x, ownBits, peerBits, false), b,
                btsSecrets(x, ownBits, peerBits, true), "leaky bit times share"), "unmasked bit times share");
    }

    // ---- ReLU with exact truncation (garbled circuit, party 0 garbles) ----

    static final int RELU_N = 1 << 12;
    static final int F = 16;

    static View relu(int observer, Inputs in, boolean b, boolean leaky) {
        return observe(observer, (ot, p) -> {
            long[] z = p == observer ? in.own() : in.peer(b);
            GcProtocol gc = GcProtocol.open(ot.session(), ot, ID);
            ReluTruncation.Result r = leaky ? LeakyVariants.unmaskedRelu(gc, z, F) : ReluTruncation.run(gc, z, F);
            return Outputs.of("y share", r.yShare()).and("d bits", r.dBits());
        });
    }

    static ForbiddenWords reluSecrets(Inputs in, boolean b) {
        long[] z = in.value(b);
        long[] y = new long[z.length];
        for (int i = 0; i < z.length; i++) {
            y[i] = z[i] > 0 ? z[i] >> F : 0;
        }
        return ForbiddenWords.of("the peer's share", in.peer(b)).and("z", z).and("ReLU(z) >> f", y);
    }

    @Test
    void reluWithTruncation() {
        for (int obs = 0; obs < 2; obs++) {
            Inputs in = Inputs.of(RELU_N, 2);
            check(relu(obs, in, false, false), reluSecrets(in, false), relu(obs, in, true, false),
                    reluSecrets(in, true), "garbled ReLU, party " + obs + "'s view");
        }
        // negative control: the garbler's output masks are zero, so the evaluator (party 1) decodes y and d
        Inputs in = Inputs.of(RELU_N, 2);
        View a = relu(1, in, false, true);
        View b = relu(1, in, true, true);
        assertCaught(() -> check(a, reluSecrets(in, false), b, reluSecrets(in, true), "leaky ReLU"),
                "garbled ReLU with unmasked outputs");
    }

    // ---- max-pool with one-hot argmax (garbled circuit) ----

    static final int K = 4;
    static final int WINDOWS = 1 << 11;

    static View maxPool(int observer, Inputs in, boolean b, boolean leaky) {
        return observe(observer, (ot, p) -> {
            long[] v = p == observer ? in.own() : in.peer(b);
            GcProtocol gc = GcProtocol.open(ot.session(), ot, ID);
            MaxPoolCircuitProtocol.Result r = leaky ? LeakyVariants.unmaskedMaxPool(gc, v, K)
                    : MaxPoolCircuitProtocol.run(gc, v, K);
            return Outputs.of("max share", r.maxShare()).and("argmax bits", r.argmaxBits());
        });
    }

    static ForbiddenWords maxSecrets(Inputs in, boolean b) {
        long[] v = in.value(b);
        long[] max = new long[WINDOWS];
        for (int i = 0; i < WINDOWS; i++) {
            max[i] = v[i * K];
            for (int j = 1; j < K; j++) {
                max[i] = Math.max(max[i], v[i * K + j]);
            }
        }
        return ForbiddenWords.of("the peer's share", in.peer(b)).and("values", v).and("window maxima", max);
    }

    @Test
    void maxPoolWithArgmax() {
        for (int obs = 0; obs < 2; obs++) {
            Inputs in = Inputs.of(K * WINDOWS, 2);
            check(maxPool(obs, in, false, false), maxSecrets(in, false), maxPool(obs, in, true, false),
                    maxSecrets(in, true), "garbled max-pool, party " + obs + "'s view");
        }
        Inputs in = Inputs.of(K * WINDOWS, 2);
        View a = maxPool(1, in, false, true);
        View b = maxPool(1, in, true, true);
        assertCaught(() -> check(a, maxSecrets(in, false), b, maxSecrets(in, true), "leaky max-pool"),
                "garbled max-pool with unmasked outputs");
    }
}
