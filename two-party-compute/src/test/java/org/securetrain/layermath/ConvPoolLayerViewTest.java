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
 * What each party receives during a convolution layer followed by a max-pool layer, as the CNN runs them (the
 * convolution without its own ReLU, the pool taking the maximum with its one-hot argmax and then ReLU with
 * truncation): forward, backward (argmax routing, ReLU derivative, the three convolution products, faithful
 * truncation) and the SGD step, on the real two-party backend, over every stream. The data owner's private inputs
 * are its images X (shared (0, X)) and its share of the incoming gradient; the model owner's are the kernel and bias
 * (shared (W, 0)) and its gradient share. Run A gives the other party all-zero inputs, run B random ones: the views
 * must be indistinguishable ({@link ViewAssert}) and contain none of the other party's private words nor the
 * layers' plaintext values (the convolution, the pooled maxima, dW, dX). Black-box at the kernel API, so it holds
 * whichever product (im2col or a direct convolution) the kernel uses.
 */
@Timeout(600)
class ConvPoolLayerViewTest {
    static final FixedPoint FP = ViewInputs.FP;
    static final int BATCH = 4;
    static final int IN_C = 2;
    static final int IN_HW = 6;
    static final int OUT_C = 3;
    static final int K = 3;
    static final int CONV_HW = IN_HW - K + 1;
    static final int POOL_HW = CONV_HW / 2;
    static final int X_LEN = BATCH * IN_C * IN_HW * IN_HW;
    static final int W_LEN = OUT_C * IN_C * K * K;
    static final int DY_LEN = BATCH * OUT_C * POOL_HW * POOL_HW;

    /** One party's private inputs: images or kernel, bias, its share of the gradient after the pool. */
    record Inputs(long[] x, long[] w, long[] b, long[] dy) {
    }

    static Inputs dataOwner(boolean zero) {
        return zero ? new Inputs(new long[X_LEN], new long[W_LEN], new long[OUT_C], new long[DY_LEN])
                : new Inputs(ViewInputs.gaussian(X_LEN, 1), new long[W_LEN], new long[OUT_C],
                        ViewInputs.randomShare(DY_LEN));
    }

    static Inputs modelOwner(boolean zero) {
        return zero ? new Inputs(new long[X_LEN], new long[W_LEN], new long[OUT_C], new long[DY_LEN])
                : new Inputs(new long[X_LEN], ViewInputs.gaussian(W_LEN, 0.3), ViewInputs.gaussian(OUT_C, 0.1),
                        ViewInputs.randomShare(DY_LEN));
    }

    /** The two kernels as the CNN builds them: convolution without ReLU, then max with ReLU after it. */
    record Layers(Conv2dKernel conv, MaxPoolKernel pool) {
        static Layers of(Inputs in) {
            return new Layers(new Conv2dKernel("view.conv", IN_C, IN_HW, IN_HW, OUT_C, K, K, 1, 1, 0, 0, false,
                    in.w(), in.b()), new MaxPoolKernel("view.pool", OUT_C, CONV_HW, CONV_HW, 2, 2, 2, 2, true));
        }
    }

    /** One party's forward, backward and SGD step; outputs its shares of the pooled output, dX and the new W. */
    static Outputs layers(Backend be, Inputs in) {
        Layers l = Layers.of(in);
        long[] z = l.conv().forward(be, in.x(), ShareKind.ONLY_PARTY1, BATCH);
        long[] y = l.pool().forward(be, z, BATCH);
        long[] dz = l.pool().backward(be, in.dy());
        long[] dx = l.conv().backward(be, dz, ShareKind.BOTH, true);
        l.conv().applySgd(be, SgdConfig.sgd(0.1));
        return Outputs.of("pooled share", y).and("dX share", dx).and("W share", l.conv().weights().value());
    }

    /** The layers in the clear on both parties' inputs: the values no party may see. */
    static ForbiddenWords plaintext(Inputs mo, Inputs dataOwner, Inputs peer, String peerName) {
        long[] dy = new long[DY_LEN];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = mo.dy()[i] + dataOwner.dy()[i];
        }
        Backend ref = new InsecurePlaintextBackend(FP);
        Layers l = Layers.of(mo);
        long[] z = l.conv().forward(ref, dataOwner.x(), ShareKind.BOTH, BATCH);
        long[] y = l.pool().forward(ref, z, BATCH);
        long[] dz = l.pool().backward(ref, dy);
        long[] dx = l.conv().backward(ref, dz, ShareKind.BOTH, true);
        long[] dw = l.conv().weights().gradient();
        return ForbiddenWords.of(peerName + "'s images", peer.x()).and(peerName + "'s kernel", peer.w())
                .and(peerName + "'s bias", peer.b()).and(peerName + "'s gradient share", peer.dy()).and("dY", dy)
                .and("X * W + b", z).and("ReLU(max-pool)", y).and("d(conv)", dz).and("dX", dx).and("dW", dw);
    }

    static View run(int observer, Inputs mo, Inputs dataOwner) {
        return run(observer, mo, dataOwner, false);
    }

    /**
     * @param leaky the negative control: the data owner also sends its convolution input in the clear before the
     *              layers run, as an encryption that forgot to encrypt would; the checks must catch it
     */
    static View run(int observer, Inputs mo, Inputs dataOwner, boolean leaky) {
        View v = TwoPartyViews.run((Session s, int p) -> TwoPartyBackend.open(s, FP),
                (TwoPartyBackend be, Session s, int p) -> {
                    if (leaky) {
                        if (p == 1) {
                            s.channel("he.view.conv.fwd.leak").sendLongs(dataOwner.x());
                        } else {
                            s.channel("he.view.conv.fwd.leak").receiveLongs();
                        }
                    }
                    return layers(be, p == 0 ? mo : dataOwner);
                }).party(observer);
        System.out.println("party " + observer + "'s view of a convolution and max-pool's forward, backward and SGD "
                + "step:\n" + v.summary());
        return v;
    }

    @Test
    void theModelOwnerSeesNothingOfTheDataOwnersImagesOrGradient() {
        Inputs mo = modelOwner(false);
        Inputs doA = dataOwner(true);
        Inputs doB = dataOwner(false);
        ViewAssert.assertIndistinguishable(run(0, mo, doA), plaintext(mo, doA, doA, "the data owner"),
                run(0, mo, doB), plaintext(mo, doB, doB, "the data owner"),
                "convolution + max-pool, the model owner's view");
    }

    @Test
    void aConvolutionInputSentInTheClearIsCaught() {
        Inputs mo = modelOwner(false);
        Inputs doA = dataOwner(true);
        Inputs doB = dataOwner(false);
        String why = ViewAssert.assertLeakCaught(() -> ViewAssert.assertIndistinguishable(run(0, mo, doA, true),
                plaintext(mo, doA, doA, "the data owner"), run(0, mo, doB, true), plaintext(mo, doB, doB,
                        "the data owner"), "leaky convolution, the model owner's view"), "images sent in the clear");
        System.out.println("negative control caught: " + why);
    }

    @Test
    void theDataOwnerSeesNothingOfTheModelOwnersKernelOrGradient() {
        Inputs dataOwner = dataOwner(false);
        Inputs moA = modelOwner(true);
        Inputs moB = modelOwner(false);
        ViewAssert.assertIndistinguishable(run(1, moA, dataOwner), plaintext(moA, dataOwner, moA, "the model owner"),
                run(1, moB, dataOwner), plaintext(moB, dataOwner, moB, "the model owner"),
                "convolution + max-pool, the data owner's view");
    }
}
