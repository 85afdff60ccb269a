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
 * What each party receives while the private softmax and its loss terms run on the real two-party backend (the
 * logits' floor, the max tournament, exp, the reciprocal, the normalising product), over every stream. The logits
 * are held by the other party alone (this party's share is 0): run A with logits 0, run B with logits ~ N(0, 6^2).
 * The model owner's view is also taken with the data owner's labels differing (class 0 in run A, random in run B).
 * The views must be indistinguishable ({@link ViewAssert}) and contain neither the logits nor p nor delta; a variant
 * that also sends the logits' share to the observer must be caught (the negative control).
 */
@Timeout(600)
class PrivateSoftmaxViewTest {
    static final FixedPoint FP = ViewInputs.FP;
    static final int BATCH = 24;
    static final int CLASSES = 10;

    static Outputs softmax(Backend be, long[] logits, long[] labels, int observer, boolean leaky) {
        PrivateSoftmaxCrossEntropy.Result r = new PrivateSoftmaxCrossEntropy(be).lossTerms(logits, 2 * FP.fracBits(),
                labels, BATCH, CLASSES, ProtocolId.of("view", "softmax"));
        long[] losses = new PrivateSoftmaxCrossEntropy(be).rowLosses(r, ProtocolId.of("view", "loss"));
        if (leaky) {
            be.revealTo(observer, logits, ProtocolId.of("view", "leak"));
        }
        return Outputs.of("p share", r.p()).and("delta share", r.delta()).and("row sums share", r.rowSum())
                .and("labels' term share", r.labelled()).and("row losses share", losses);
    }

    static ForbiddenWords plaintext(long[] z, long[] y) {
        PrivateSoftmaxCrossEntropy.Result r = new PrivateSoftmaxCrossEntropy(new InsecurePlaintextBackend(FP))
                .lossTerms(z, 2 * FP.fracBits(), y, BATCH, CLASSES, ProtocolId.of("p"));
        PrivateSoftmaxCrossEntropy sm = new PrivateSoftmaxCrossEntropy(new InsecurePlaintextBackend(FP));
        return ForbiddenWords.of("the logits", z).and("softmax p", r.p()).and("delta", r.delta())
                .and("row losses", sm.rowLosses(r, ProtocolId.of("p", "loss")));
    }

    static long[] labels(boolean random) {
        Random r = new Random();
        long[] y = new long[BATCH * CLASSES];
        for (int b = 0; b < BATCH; b++) {
            y[b * CLASSES + (random ? r.nextInt(CLASSES) : 0)] = FP.one();
        }
        return y;
    }

    /** Logits at scale 2f, N(0, 6^2) with random low bits. */
    static long[] logits() {
        long[] z = ViewInputs.gaussian(BATCH * CLASSES, 6);
        long[] noise = ViewInputs.randomShare(z.length);
        for (int i = 0; i < z.length; i++) {
            z[i] = (z[i] << FP.fracBits()) + (noise[i] >>> (64 - FP.fracBits()));
        }
        return z;
    }

    /** The observer's view when the other party holds the logits z alone; the data owner (party 1) holds y. */
    static View run(int observer, long[] z, long[] y, boolean leaky) {
        long[] zero = new long[z.length];
        View v = TwoPartyViews.run((Session s, int p) -> TwoPartyBackend.open(s, FP),
                (TwoPartyBackend be, Session s, int p) -> softmax(be, p == observer ? zero : z, p == 1 ? y : zero,
                        observer, leaky)).party(observer);
        System.out.println("party " + observer + "'s view of the private softmax:\n" + v.summary());
        return v;
    }

    static void check(int observer, boolean leaky) {
        long[] za = new long[BATCH * CLASSES];
        long[] zb = logits();
        long[] ya = labels(false);
        long[] yb = observer == 0 ? labels(true) : ya; // the data owner's own labels do not change its view
        ViewAssert.assertIndistinguishable(run(observer, za, ya, leaky), plaintext(za, ya), run(observer, zb, yb, leaky),
                plaintext(zb, yb), "private softmax, party " + observer + "'s view");
    }

    @Test
    void theModelOwnerSeesNothingOfTheLogitsOrTheLabels() {
        check(0, false);
    }

    @Test
    void theDataOwnerSeesNothingOfTheLogits() {
        check(1, false);
    }

    @Test
    void aVariantThatSendsTheLogitsIsCaught() {
        String why = ViewAssert.assertLeakCaught(() -> check(1, true), "the logits' share sent to the observer");
        System.out.println("negative control caught: " + why);
    }
}
