package org.securetrain.layermath;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.view.ForbiddenWords;
import org.securetrain.runtime.view.TwoPartyViews;
import org.securetrain.runtime.view.TwoPartyViews.Outputs;
import org.securetrain.runtime.view.View;
import org.securetrain.runtime.view.ViewAssert;

/**
 * What each party receives during one batch-normalisation layer's training forward (batch mean and variance, one
 * rsqrt per channel, two element-wise products), backward (gradients of gamma and beta, dX, the running-estimate
 * update) and an inference forward (rsqrt of the running variance) on the real two-party backend, over every stream,
 * for two private inputs of the other party: its share of the layer input and of dL/dY, and (the model owner) gamma,
 * beta and the running estimates. Run A gives the other party all-zero inputs, run B random ones; the views must be
 * indistinguishable ({@link ViewAssert}) and contain none of the other party's private words nor the layer's
 * plaintext values (x, dY, Y, dX, the batch statistics). Negative control: the same run with the data owner's input
 * share sent in the clear is caught.
 */
@Timeout(600)
class BatchNormViewTest {
    static final FixedPoint FP = ViewInputs.FP;
    static final BatchNormKernel.Layout LAYOUT = new BatchNormKernel.Layout(8, 3, 4, false);
    static final int N = 8 * 3 * 4;
    static final int C = 3;

    /** One party's private inputs: its shares of x and dY, and of gamma, beta, running mean and variance. */
    record Inputs(long[] x, long[] dy, long[] gamma, long[] beta, long[] mean, long[] var) {
    }

    static Inputs dataOwner(boolean zero) {
        return zero ? new Inputs(new long[N], new long[N], new long[C], new long[C], new long[C], new long[C])
                : new Inputs(ViewInputs.gaussian(N, 1), ViewInputs.gaussian(N, 0.5), new long[C], new long[C],
                        new long[C], new long[C]);
    }

    static Inputs modelOwner(boolean zero) {
        return zero ? new Inputs(new long[N], new long[N], new long[C], new long[C], new long[C], new long[C])
                : new Inputs(ViewInputs.gaussian(N, 1), ViewInputs.gaussian(N, 0.5), plus(ViewInputs.gaussian(C, 0.2),
                        1), ViewInputs.gaussian(C, 0.2), ViewInputs.gaussian(C, 0.2), plus(ViewInputs.gaussian(C,
                                0.1), 1));
    }

    private static long[] plus(long[] v, double c) {
        long k = FP.encode(c);
        long[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += k;
        }
        return out;
    }

    private static long[] sum(long[] a, long[] b) {
        long[] s = new long[a.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    static BatchNormKernel kernel(Inputs in) {
        return new BatchNormKernel("view.bnorm", C, 1e-5, 0.9, null, in.gamma().clone(), in.beta().clone(),
                in.mean().clone(), in.var().clone());
    }

    /** One party's training forward, backward and an inference forward; outputs its shares of Y, dX and Y'. */
    static Outputs layer(Backend be, Inputs in) {
        BatchNormKernel k = kernel(in);
        long[] y = k.forward(be, in.x(), LAYOUT, true);
        long[] dx = k.backward(be, in.dy(), true);
        long[] yInfer = k.forward(be, in.x(), LAYOUT, false);
        return Outputs.of("y share", y).and("dX share", dx).and("inference y share", yInfer)
                .and("running var share", k.runningVar().value());
    }

    /** The layer in the clear on both parties' inputs: the values no party may see. */
    static ForbiddenWords plaintext(Inputs mo, Inputs dataOwner, Inputs peer, String peerName) {
        Backend ref = new InsecurePlaintextBackend(FP);
        Inputs joint = new Inputs(sum(mo.x(), dataOwner.x()), sum(mo.dy(), dataOwner.dy()), sum(mo.gamma(),
                dataOwner.gamma()), sum(mo.beta(), dataOwner.beta()), sum(mo.mean(), dataOwner.mean()),
                sum(mo.var(), dataOwner.var()));
        BatchNormKernel k = kernel(joint);
        long[][] stats = BatchNormKernel.batchStatistics(ref, joint.x(), LAYOUT, org.securetrain.runtime.ProtocolId
                .parse("view.stats"));
        long[] varEps = stats[1].clone();
        for (int i = 0; i < varEps.length; i++) {
            varEps[i] += FP.encode(1e-5);
        }
        long[] r = k.rsqrt(ref, stats[1], org.securetrain.runtime.ProtocolId.parse("view.rsqrt"));
        long[] y = k.forward(ref, joint.x(), LAYOUT, true);
        long[] dx = k.backward(ref, joint.dy(), true);
        long[] yInfer = k.forward(ref, joint.x(), LAYOUT, false);
        return ForbiddenWords.of(peerName + "'s input share", peer.x()).and(peerName + "'s gradient share", peer.dy())
                .and("x", joint.x()).and("dY", joint.dy()).and("Y", y).and("dX", dx).and("inference Y", yInfer)
                .and("dGamma", k.gamma().gradient()).and("running mean", k.runningMean().value())
                .and("running var", k.runningVar().value()).and("batch mean", stats[0]).and("batch variance", stats[1])
                .and("batch variance + eps", varEps).and("1/sqrt(batch variance + eps)", r);
    }

    static View run(int observer, Inputs mo, Inputs dataOwner, boolean leaky) {
        View v = TwoPartyViews.run((Session s, int p) -> TwoPartyBackend.open(s, FP),
                (TwoPartyBackend be, Session s, int p) -> {
                    if (leaky) {
                        if (p == 1) {
                            s.channel("view.bnorm.leak").sendLongs(dataOwner.x());
                        } else {
                            s.channel("view.bnorm.leak").receiveLongs();
                        }
                    }
                    return layer(be, p == 0 ? mo : dataOwner);
                }).party(observer);
        System.out.println("party " + observer + "'s view of a batch normalisation's forward, backward and inference:\n"
                + v.summary());
        return v;
    }

    @Test
    void theModelOwnerSeesNothingOfTheDataOwnersShares() {
        Inputs mo = modelOwner(false);
        Inputs doA = dataOwner(true);
        Inputs doB = dataOwner(false);
        ViewAssert.assertIndistinguishable(run(0, mo, doA, false), plaintext(mo, doA, doA, "the data owner"),
                run(0, mo, doB, false), plaintext(mo, doB, doB, "the data owner"), "batch norm, the model owner's view");
    }

    @Test
    void theDataOwnerSeesNothingOfTheModelOwnersSharesOrParameters() {
        Inputs dataOwner = dataOwner(false);
        Inputs moA = modelOwner(true);
        Inputs moB = modelOwner(false);
        ViewAssert.assertIndistinguishable(run(1, moA, dataOwner, false), plaintext(moA, dataOwner, moA,
                "the model owner"), run(1, moB, dataOwner, false), plaintext(moB, dataOwner, moB, "the model owner"),
                "batch norm, the data owner's view");
    }

    @Test
    void anInputShareSentInTheClearIsCaught() {
        Inputs mo = modelOwner(false);
        Inputs doA = dataOwner(true);
        Inputs doB = dataOwner(false);
        String why = ViewAssert.assertLeakCaught(() -> ViewAssert.assertIndistinguishable(run(0, mo, doA, true),
                plaintext(mo, doA, doA, "the data owner"), run(0, mo, doB, true), plaintext(mo, doB, doB,
                        "the data owner"), "leaky batch norm, the model owner's view"), "input share sent in the clear");
        System.out.println("negative control caught: " + why);
    }
}
