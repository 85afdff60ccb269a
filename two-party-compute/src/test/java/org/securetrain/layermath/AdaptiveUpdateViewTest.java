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
 * What each party receives during two Adam steps on the real two-party backend (square, moment blends, square root,
 * reciprocal, step-size blend, product, exact floors), over every stream, for two private gradients of the other
 * party: the other party holds the gradient G alone (this party's share is 0), run A with G = 0, run B with G
 * log-uniform over [2^-24, 2) with random signs. The views must be indistinguishable ({@link ViewAssert}) and
 * contain neither G nor the plaintext updates and moments; a variant that also sends G's share to the observer must
 * be caught (the negative control).
 */
@Timeout(600)
class AdaptiveUpdateViewTest {
    static final FixedPoint FP = ViewInputs.FP;
    static final int N = 64;

    static AdaptiveStep adam(int iteration) {
        return new AdaptiveStep(AdaptiveStep.Rule.ADAM, 1e-3, 0.9, 0.999, 1e-8, iteration);
    }

    /** Two Adam steps on the same gradient: the updates and the final m and v. */
    static long[][] steps(Backend be, long[] g) {
        AdaptiveUpdate au = new AdaptiveUpdate(be, PositiveRoots.exact(be));
        long[][] state = new long[2][];
        long[] u0 = au.step(adam(0), g, state, ProtocolId.of("view", "t0"));
        long[] u1 = au.step(adam(1), g, state, ProtocolId.of("view", "t1"));
        return new long[][] {u0, u1, state[0], state[1]};
    }

    static Outputs run(Backend be, long[] share, int observer, boolean leaky) {
        long[][] r = steps(be, share);
        Outputs o = Outputs.of("update 0 share", r[0]).and("update 1 share", r[1]).and("m share", r[2])
                .and("v share", r[3]);
        if (leaky) {
            be.revealTo(observer, share, ProtocolId.of("view", "leak"));
        }
        return o;
    }

    static ForbiddenWords plaintext(long[] g) {
        long[][] r = steps(new InsecurePlaintextBackend(FP), g);
        return ForbiddenWords.of("the peer's gradient G", g).and("update 0", r[0]).and("update 1", r[1])
                .and("m", r[2]).and("v", r[3]);
    }

    /** The observer's view when the other party holds g alone. */
    static View view(int observer, long[] g, boolean leaky) {
        long[] zero = new long[N];
        View v = TwoPartyViews.run((Session s, int p) -> TwoPartyBackend.open(s, FP),
                (TwoPartyBackend be, Session s, int p) -> run(be, p == observer ? zero : g, observer, leaky))
                .party(observer);
        System.out.println("party " + observer + "'s view of two Adam steps:\n" + v.summary());
        return v;
    }

    static long[] gradients(int n) {
        Random r = new Random();
        long[] g = new long[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(FP.fracBits() + 1);
            long mag = (1L << k) | (k == 0 ? 0 : r.nextLong() & ((1L << k) - 1));
            g[i] = r.nextBoolean() ? mag : -mag;
        }
        return g;
    }

    static void check(int observer, boolean leaky) {
        long[] a = new long[N];
        long[] b = gradients(N);
        ViewAssert.assertIndistinguishable(view(observer, a, leaky), plaintext(a), view(observer, b, leaky),
                plaintext(b), "Adam steps, party " + observer + "'s view");
    }

    @Test
    void theModelOwnerSeesNothingOfTheDataOwnersGradient() {
        check(0, false);
    }

    @Test
    void theDataOwnerSeesNothingOfTheModelOwnersGradient() {
        check(1, false);
    }

    @Test
    void aVariantThatSendsTheGradientIsCaught() {
        String why = ViewAssert.assertLeakCaught(() -> check(1, true), "G's share sent to the observer");
        System.out.println("negative control caught: " + why);
    }
}
