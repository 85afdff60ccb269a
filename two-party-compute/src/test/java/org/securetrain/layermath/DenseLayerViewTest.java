package org.securetrain.layermath;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.ShareKind;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.view.ForbiddenWords;
import org.securetrain.runtime.view.TwoPartyViews;
import org.securetrain.runtime.view.TwoPartyViews.Outputs;
import org.securetrain.runtime.view.View;
import org.securetrain.runtime.view.ViewAssert;

/**
 * What each party receives during one dense layer's forward (HE product, ReLU with truncation), backward (bit
 * times share, two HE products, faithful truncation) and SGD step (faithful truncations) on the real two-party
 * backend: the whole view over every stream, for two private inputs of the other party. The data owner's
 * private inputs are its features X (shared (0, X), as the first layer's input) and its share of the incoming
 * gradient; the model owner's are its weights W (shared (W, 0)) and its share of the gradient. Run A gives the
 * other party all-zero inputs, run B random ones; the views must be indistinguishable ({@link ViewAssert}) and
 * contain none of the other party's private words nor the layer's plaintext values (Z, ReLU(Z), dW, dX).
 */
@Timeout(600)
class DenseLayerViewTest {
    static final FixedPoint FP = ViewInputs.FP;
    static final int BATCH = 8;
    static final int N_IN = 16;
    static final int N_OUT = 8;

    /** One party's private inputs: features or weights, bias, its gradient share. */
    record Inputs(long[] x, long[] w, long[] b, long[] dy) {
    }

    static Inputs dataOwner(boolean zero) {
        return zero ? new Inputs(new long[BATCH * N_IN], new long[N_IN * N_OUT], new long[N_OUT], new long[BATCH * N_OUT])
                : new Inputs(ViewInputs.gaussian(BATCH * N_IN, 1), new long[N_IN * N_OUT], new long[N_OUT],
                        ViewInputs.randomShare(BATCH * N_OUT));
    }

    static Inputs modelOwner(boolean zero) {
        return zero ? new Inputs(new long[BATCH * N_IN], new long[N_IN * N_OUT], new long[N_OUT], new long[BATCH * N_OUT])
                : new Inputs(new long[BATCH * N_IN], ViewInputs.gaussian(N_IN * N_OUT, 0.3),
                        ViewInputs.gaussian(N_OUT, 0.1), ViewInputs.randomShare(BATCH * N_OUT));
    }

    /** One party's forward, backward and SGD step; outputs its shares of Y, dX and the updated W. */
    static Outputs layer(Backend be, Inputs in) {
        DenseKernel k = new DenseKernel("view.dense", N_IN, N_OUT, true, in.w(), in.b());
        long[] y = k.forward(be, in.x(), ShareKind.ONLY_PARTY1, BATCH);
        long[] dx = k.backward(be, in.dy(), ShareKind.BOTH, true);
        k.applySgd(be, SgdConfig.sgd(0.1));
        return Outputs.of("y share", y).and("dX share", dx).and("W share", k.weights().value());
    }

    /** The layer in the clear on both parties' inputs: the values no party may see. */
    static ForbiddenWords plaintext(Inputs mo, Inputs dataOwner, Inputs peer, String peerName) {
        long[] dy = new long[BATCH * N_OUT];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = mo.dy()[i] + dataOwner.dy()[i];
        }
        Backend ref = new InsecurePlaintextBackend(FP);
        DenseKernel k = new DenseKernel("view.dense", N_IN, N_OUT, true, mo.w(), mo.b());
        long[] y = k.forward(ref, dataOwner.x(), ShareKind.BOTH, BATCH);
        long[] dx = k.backward(ref, dy, ShareKind.BOTH, true);
        long[] dw = k.weights().gradient();
        return ForbiddenWords.of(peerName + "'s features", peer.x()).and(peerName + "'s weights", peer.w())
                .and(peerName + "'s bias", peer.b()).and(peerName + "'s gradient share", peer.dy()).and("dY", dy)
                .and("ReLU(XW + b)", y).and("dX", dx).and("dW", dw);
    }

    static View run(int observer, Inputs mo, Inputs dataOwner) {
        View v = TwoPartyViews.run((Session s, int p) -> TwoPartyBackend.open(s, FP),
                (TwoPartyBackend be, Session s, int p) -> layer(be, p == 0 ? mo : dataOwner)).party(observer);
        System.out.println("party " + observer + "'s view of a dense layer's forward, backward and SGD step:\n"
                + v.summary());
        return v;
    }

    @Test
    void theModelOwnerSeesNothingOfTheDataOwnersFeaturesOrGradient() {
        Inputs mo = modelOwner(false);
        Inputs doA = dataOwner(true);
        Inputs doB = dataOwner(false);
        ViewAssert.assertIndistinguishable(run(0, mo, doA), plaintext(mo, doA, doA, "the data owner"),
                run(0, mo, doB), plaintext(mo, doB, doB, "the data owner"), "dense layer, the model owner's view");
    }

    @Test
    void theDataOwnerSeesNothingOfTheModelOwnersWeightsOrGradient() {
        Inputs dataOwner = dataOwner(false);
        Inputs moA = modelOwner(true);
        Inputs moB = modelOwner(false);
        ViewAssert.assertIndistinguishable(run(1, moA, dataOwner), plaintext(moA, dataOwner, moA, "the model owner"),
                run(1, moB, dataOwner), plaintext(moB, dataOwner, moB, "the model owner"),
                "dense layer, the data owner's view");
    }
}
