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
 * What each party receives while ln runs on the real two-party backend (the leading-one comparisons and their
 * conversion, the normalising product, exact floors, the table lookup, the series' products, the final rounding), over
 * every stream, for two private inputs of the other party: the other party holds the input X alone (this party's share
 * is 0), run A with X = 0, run B with X log-uniform over [2^8, 2^40). The views must be indistinguishable
 * ({@link ViewAssert}) and contain neither X nor ln(X); a variant that also sends X's share to the observer must be
 * caught (the negative control).
 */
@Timeout(600)
class ExactLogViewTest {
    static final FixedPoint FP = ViewInputs.FP;
    static final int N = 128;
    static final int BITS = 40;
    static final int F_IN = 24;
    static final int F_OUT = 24;

    static Outputs function(Backend be, long[] share, int observer, boolean leaky) {
        Outputs o = Outputs.of("log share", ExactLog.log(be, share, F_IN, F_OUT, BITS, ProtocolId.of("view", "log")));
        if (leaky) {
            be.revealTo(observer, share, ProtocolId.of("view", "leak"));
        }
        return o;
    }

    static ForbiddenWords plaintext(long[] x) {
        InsecurePlaintextBackend be = new InsecurePlaintextBackend(FP);
        return ForbiddenWords.of("the peer's input X", x)
                .and("ln(X)", ExactLog.log(be, x, F_IN, F_OUT, BITS, ProtocolId.of("p")));
    }

    /** The observer's view when the other party holds x alone. */
    static View run(int observer, long[] x, boolean leaky) {
        long[] zero = new long[N];
        View v = TwoPartyViews.run((Session s, int p) -> TwoPartyBackend.open(s, FP),
                (TwoPartyBackend be, Session s, int p) -> function(be, p == observer ? zero : x, observer, leaky))
                .party(observer);
        System.out.println("party " + observer + "'s view of ln:\n" + v.summary());
        return v;
    }

    /** Log-uniform over [2^8, 2^40) (as {@link ExactRootsViewTest}: no small powers of two that packed bits mimic). */
    static long[] logUniform(int n) {
        Random r = new Random();
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            int k = 8 + r.nextInt(BITS - 8);
            x[i] = (1L << k) | (r.nextLong() & ((1L << k) - 1));
        }
        return x;
    }

    static void check(int observer, boolean leaky) {
        long[] a = new long[N];
        long[] b = logUniform(N);
        ViewAssert.assertIndistinguishable(run(observer, a, leaky), plaintext(a), run(observer, b, leaky),
                plaintext(b), "ln, party " + observer + "'s view");
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
