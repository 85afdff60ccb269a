package org.securetrain.layermath;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.RangeCheckedBackend;
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
 * What each party receives while {@link L2GradientNormalizer} renormalises and clips (the element bound's comparisons
 * and their conversion into the range guard's count, the squares, the threshold comparison and both multiplexers,
 * rsqrt, the threshold product and the final products with exact floors, and the guard's verdict), over every stream,
 * for two private gradients of the other party: the other party holds X alone (this party's share is 0), run A with
 * X = 0 (norm 0: nothing clipped), run B with a gradient whose first group is clipped and second is not. The views must
 * be indistinguishable ({@link ViewAssert}) and contain neither X nor the results; a variant that also sends X's share
 * to the observer must be caught (the negative control).
 */
@Timeout(600)
class L2GradientNormalizerViewTest {
    static final FixedPoint FP = ViewInputs.FP;
    static final int N = 64;
    static final L2Normalization CLIP = new L2Normalization(L2Normalization.Mode.CLIP, 0.5);
    static final L2Normalization RENORMALIZE = new L2Normalization(L2Normalization.Mode.RENORMALIZE, 0);

    static long[][] split(long[] x) {
        return new long[][] {java.util.Arrays.copyOfRange(x, 0, N), java.util.Arrays.copyOfRange(x, N, 2 * N)};
    }

    static long[] join(long[][] y) {
        long[] out = new long[2 * N];
        System.arraycopy(y[0], 0, out, 0, N);
        System.arraycopy(y[1], 0, out, N, N);
        return out;
    }

    static Outputs normalize(Backend raw, long[] share, int observer, boolean leaky) {
        RangeCheckedBackend be = new RangeCheckedBackend(raw);
        L2GradientNormalizer nz = new L2GradientNormalizer(be, PositiveRoots.exact(be));
        Outputs o = Outputs.of("clipped share", join(nz.apply(CLIP, split(share), ProtocolId.of("view", "c"))))
                .and("renormalised share", join(nz.apply(RENORMALIZE, split(share), ProtocolId.of("view", "r"))));
        be.verify(ProtocolId.of("view", "v"), "view test");
        if (leaky) {
            raw.revealTo(observer, share, ProtocolId.of("view", "leak"));
        }
        return o;
    }

    static ForbiddenWords plaintext(long[] x) {
        var be = new InsecurePlaintextBackend(FP);
        L2GradientNormalizer nz = new L2GradientNormalizer(be, PositiveRoots.exact(be));
        ProtocolId id = ProtocolId.of("p");
        return ForbiddenWords.of("the peer's gradient X", x)
                .and("X clipped", join(nz.apply(CLIP, split(x), id)))
                .and("X renormalised", join(nz.apply(RENORMALIZE, split(x), id)));
    }

    static View run(int observer, long[] x, boolean leaky) {
        long[] zero = new long[2 * N];
        View v = TwoPartyViews.run((Session s, int p) -> TwoPartyBackend.open(s, FP),
                (TwoPartyBackend be, Session s, int p) -> normalize(be, p == observer ? zero : x, observer, leaky))
                .party(observer);
        System.out.println("party " + observer + "'s view of L2 clipping and renormalisation:\n" + v.summary());
        return v;
    }

    /** Group 0 with norm about 1.6 (clipped at 0.5), group 1 with norm about 0.16 (not clipped). */
    static long[] gradient() {
        Random r = new Random();
        long[] x = new long[2 * N];
        for (int i = 0; i < 2 * N; i++) {
            x[i] = Math.round(r.nextGaussian() * (i < N ? 0.2 : 0.02) * (1 << FP.fracBits()));
        }
        return x;
    }

    static void check(int observer, boolean leaky) {
        long[] a = new long[2 * N];
        long[] b = gradient();
        ViewAssert.assertIndistinguishable(run(observer, a, leaky), plaintext(a), run(observer, b, leaky),
                plaintext(b), "L2 gradient normalisation, party " + observer + "'s view");
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
        String why = ViewAssert.assertLeakCaught(() -> check(1, true), "X's share sent to the observer");
        System.out.println("negative control caught: " + why);
    }
}
