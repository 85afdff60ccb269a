package org.securetrain.layermath;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.view.ForbiddenWords;
import org.securetrain.runtime.view.TwoPartyViews;
import org.securetrain.runtime.view.TwoPartyViews.Outputs;
import org.securetrain.runtime.view.View;
import org.securetrain.runtime.view.ViewAssert;

/**
 * What each party receives while reciprocal, sqrt and rsqrt run on the real two-party backend (the leading-one
 * comparisons and their conversion, the normalising product, exact floors, the seed lookup, Newton's products, the
 * scale-back), over every stream, for two private inputs of the other party: the other party holds the input X alone
 * (this party's share is 0), run A with X = 0, run B with X log-uniform over [2^8, 2^40). The views must be
 * indistinguishable ({@link ViewAssert}) and contain neither X nor the functions' plaintext values; a variant that
 * also sends X's share to the observer must be caught (the negative control).
 */
@Timeout(600)
class ExactRootsViewTest {
    static final FixedPoint FP = ViewInputs.FP;
    static final int N = 128;
    static final int BITS = 40;
    static final int F_IN = 24;
    static final int F_OUT = 24;

    static Outputs functions(Backend be, long[] share, int observer, boolean leaky) {
        ExactRoots er = new ExactRoots(be);
        Outputs o = Outputs.of("reciprocal share", er.reciprocal(share, F_IN, F_OUT, BITS, ProtocolId.of("view", "r")))
                .and("sqrt share", er.sqrt(share, F_IN, F_OUT, BITS, ProtocolId.of("view", "s")))
                .and("rsqrt share", er.rsqrt(share, F_IN, F_OUT, BITS, ProtocolId.of("view", "q")));
        if (leaky) {
            be.revealTo(observer, share, ProtocolId.of("view", "leak"));
        }
        return o;
    }

    static ForbiddenWords plaintext(long[] x) {
        ExactRoots er = new ExactRoots(new InsecurePlaintextBackend(FP));
        ProtocolId id = ProtocolId.of("p");
        return ForbiddenWords.of("the peer's input X", x)
                .and("1/X", er.reciprocal(x, F_IN, F_OUT, BITS, id))
                .and("sqrt(X)", er.sqrt(x, F_IN, F_OUT, BITS, id))
                .and("1/sqrt(X)", er.rsqrt(x, F_IN, F_OUT, BITS, id));
    }

    /** The observer's view when the other party holds x alone. */
    static View run(int observer, long[] x, boolean leaky) {
        long[] zero = new long[N];
        View v = TwoPartyViews.run((Session s, int p) -> TwoPartyBackend.open(s, FP),
                (TwoPartyBackend be, Session s, int p) -> functions(be, p == observer ? zero : x, observer, leaky))
                .party(observer);
        System.out.println("party " + observer + "'s view of reciprocal, sqrt and rsqrt:\n" + v.summary());
        return v;
    }

    /**
     * Log-uniform over [2^8, 2^40): leading bits from 8 on, so that no value is a small power of two whose function
     * values (1/1 = 2^48 at these scales) are round words that packed bit vectors in the protocol's messages also
     * take, which the echo check would report although they do not come from X.
     */
    static long[] logUniform(int n) {
        Random r = new Random();
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            int k = 8 + r.nextInt(BITS - 8);
            x[i] = (1L << k) | (k == 0 ? 0 : r.nextLong() & ((1L << k) - 1));
        }
        return x;
    }

    static void check(int observer, boolean leaky) {
        long[] a = new long[N];
        long[] b = logUniform(N);
        ViewAssert.assertIndistinguishable(run(observer, a, leaky), plaintext(a), run(observer, b, leaky),
                plaintext(b), "reciprocal/sqrt/rsqrt, party " + observer + "'s view");
    }

    @Test
    void theModelOwnerSeesNothingOfTheDataOwnersInput() {
        check(0, false);
    }

    @Test
    void theDataOwnerSeesNothingOfTheModelOwnersInput() {
        check(1, false);
    }

    @Test
    void aVariantThatSendsTheInputIsCaught() {
        String why = ViewAssert.assertLeakCaught(() -> check(1, true), "X's share sent to the observer");
        System.out.println("negative control caught: " + why);
    }
}
