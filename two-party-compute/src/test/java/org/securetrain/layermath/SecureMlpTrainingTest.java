package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.ShareKind;
import org.securetrain.backend.TwoPartyBackend;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.ProtocolId;

/**
 * Issue 5's acceptance test: a 16-32-3 MLP trained for 200 SGD steps by two parties over the real
 * protocols (HE products, garbled ReLU, OT truncation and bit-times-share) against the insecure
 * plaintext reference from the same initial weights and batches.
 */
@Timeout(600)
class SecureMlpTrainingTest {
    static final int N_IN = 16, N_HID = 32, N_OUT = 3, BATCH = 24;
    static final double LR = 0.05;

    /** One party's (or the reference's) two layers and its per-step losses. */
    static final class Mlp {
        final DenseKernel l1, l2;
        Mlp(FixedPoint fp, double[] w1, double[] w2, boolean holdsWeights) {
            l1 = new DenseKernel("l1", N_IN, N_HID, true, holdsWeights ? fp.encode(w1) : new long[w1.length], new long[N_HID]);
            l2 = new DenseKernel("l2", N_HID, N_OUT, false, holdsWeights ? fp.encode(w2) : new long[w2.length], new long[N_OUT]);
        }

        /** One step; x and labels are the data owner's (null at the model owner). */
        double step(Backend be, long[] x, double[] labels) {
            long[] h = l1.forward(be, x, ShareKind.ONLY_PARTY1, BATCH);
            long[] z = l2.forward(be, h, ShareKind.BOTH, BATCH);
            SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.lossAndDelta(be, z, labels, BATCH, N_OUT,
                    ProtocolId.of("loss"));
            long[] dh = l2.backward(be, r.delta(), r.deltaKind(), true);
            l1.backward(be, dh, ShareKind.BOTH, false);
            SgdConfig sgd = SgdConfig.sgd(LR);
            l2.applySgd(be, sgd);
            l1.applySgd(be, sgd);
            return r.loss();
        }
    }

    /**
     * At f = 24 (the default, chosen by this measurement) the secure run tracks the reference to ~2.5e-5 per
     * step; at f = 20 and 16 the one-ulp truncation differences occasionally flip a near-zero ReLU and the
     * trajectories part by 7e-3 and 3.5e-2 (the same effect the reference shows against double precision).
     */
    @Test
    void twoPartyTrainingTracksThePlaintextReference() {
        int f = 24;
        int steps = 200;
        FixedPoint fp = FixedPoint.of(f);
        ToyData data = new ToyData(240, N_IN, N_OUT, 7);
        double[] w1 = ToyData.init(N_IN, N_HID, 1), w2 = ToyData.init(N_HID, N_OUT, 2);

        Backend ref = new InsecurePlaintextBackend(fp);
        Mlp refNet = new Mlp(fp, w1, w2, true);
        double[] refLoss = new double[steps];
        for (int s = 0; s < steps; s++) {
            refLoss[s] = refNet.step(ref, fp.encode(data.batchX(s * BATCH, BATCH)), data.batchY(s * BATCH, BATCH));
        }

        TruncationAudit audit = new TruncationAudit();
        SessionOptions.Builder o0 = SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120));
        SessionOptions.Builder o1 = SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120));
        long t0 = System.nanoTime();
        try (InMemoryTransport.Pair p = InMemoryTransport.pair(o0.build(), o1.build())) {
            var res = TwoPartyRunner.run(p.party(0), s -> train(s, fp, audit, data, w1, w2, steps),
                    p.party(1), s -> train(s, fp, audit, data, w1, w2, steps));
            double secs = (System.nanoTime() - t0) / 1e9;
            double[] secureLoss = res.party1().losses;
            double maxRel = 0;
            for (int s = 0; s < steps; s++) {
                maxRel = Math.max(maxRel, Math.abs(secureLoss[s] - refLoss[s]) / refLoss[s]);
            }
            long[] w1s = TestShares.join(res.party0().net.l1.weights().value(), res.party1().net.l1.weights().value());
            long maxUlp = 0;
            long[] w1r = refNet.l1.weights().value();
            for (int i = 0; i < w1s.length; i++) maxUlp = Math.max(maxUlp, Math.abs(w1s[i] - w1r[i]));
            System.out.printf("f=" + f + " secure MLP %d steps in %.1f s: max rel loss diff %.2e, max |W1 - W1ref| %d ulp, "
                            + "truncations %d (off by one %d, wrap-arounds %d), party 0 traffic %s%n%s%n",
                    steps, secs, maxRel, maxUlp, audit.checked(), audit.offByOne(), audit.wrapArounds(),
                    p.party(0).traffic().total(), res.party0().timings);
            assertEquals(0, audit.wrapArounds(), "wrap-around events");
            assertTrue(audit.checked() > 0);
            // measured 2.2e-5 (and 137 ulp); a secure-only 1.01x learning rate gives 2.0e-2 (and 93536 ulp)
            assertTrue(maxRel < 2e-4, "per-step loss relative difference " + maxRel);
            assertTrue(maxUlp <= 4L * steps, "final weights differ by " + maxUlp + " ulp after " + steps + " steps");
            assertTrue(Double.isNaN(res.party0().losses[0]), "the model owner must not see the loss");
        }
    }

    record PartyResult(Mlp net, double[] losses, String timings) {
    }

    static PartyResult train(Session s, FixedPoint fp, TruncationAudit audit, ToyData data, double[] w1, double[] w2,
            int steps) {
        int me = s.party();
        try (TwoPartyBackend tp = TwoPartyBackend.open(s, fp)) {
            Backend be = audit.audited(tp, me);
            Mlp net = new Mlp(fp, w1, w2, me == 0); // weights shared as (W, 0)
            double[] losses = new double[steps];
            for (int step = 0; step < steps; step++) {
                long[] x = me == 1 ? fp.encode(data.batchX(step * BATCH, BATCH)) : new long[BATCH * N_IN];
                double[] y = me == 1 ? data.batchY(step * BATCH, BATCH) : null;
                losses[step] = net.step(be, x, y);
            }
            return new PartyResult(net, losses, tp.timings().toString());
        }
    }

}
