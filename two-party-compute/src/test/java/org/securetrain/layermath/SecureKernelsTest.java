package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.ShareKind;
import org.securetrain.backend.TwoPartyBackend;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.ProtocolId;

/** Each kernel on the two-party backend against the plaintext reference, with its stated bound. */
@Timeout(300)
class SecureKernelsTest {
    static final FixedPoint FP = FixedPoint.of(FixedPoint.DEFAULT_FRAC_BITS);
    static InMemoryTransport.Pair pair;
    static TwoPartyBackend[] be = new TwoPartyBackend[2];
    static final Backend REF = new InsecurePlaintextBackend(FP);

    @BeforeAll
    static void open() {
        pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(60)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(60)).build());
        var r = TwoPartyRunner.run(pair.party(0), s -> TwoPartyBackend.open(s, FP), pair.party(1),
                s -> TwoPartyBackend.open(s, FP));
        be[0] = r.party0();
        be[1] = r.party1();
    }

    @AfterAll
    static void close() {
        pair.close();
    }

    static <T> TwoPartyRunner.Results<T, T> both(BiFunction<Backend, Integer, T> body) {
        return TwoPartyRunner.run(pair.party(0), s -> body.apply(be[0], 0), pair.party(1), s -> body.apply(be[1], 1));
    }

    @Test
    void denseForwardIsBitExactAndBackwardWithinOneUlp() {
        Random r = new Random(21);
        int b = 5, nIn = 7, nOut = 6;
        double[] w = new double[nIn * nOut], bias = new double[nOut], x = new double[b * nIn], dy = new double[b * nOut];
        for (int i = 0; i < w.length; i++) w[i] = r.nextGaussian();
        for (int i = 0; i < nOut; i++) bias[i] = r.nextGaussian() * 0.1;
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        for (int i = 0; i < dy.length; i++) dy[i] = r.nextGaussian();
        long[][] ws = TestShares.split(FP.encode(w), r), bs = TestShares.split(FP.encode(bias), r), xs = TestShares.split(FP.encode(x), r),
                dys = TestShares.split(FP.encode(dy), r);
        DenseKernel refK = new DenseKernel("d", nIn, nOut, true, FP.encode(w), FP.encode(bias));
        long[] yRef = refK.forward(REF, FP.encode(x), ShareKind.BOTH, b);
        long[] dxRef = refK.backward(REF, FP.encode(dy), ShareKind.BOTH, true);
        long[] dwRef = refK.weights().gradient();
        var res = both((bk, p) -> {
            DenseKernel k = new DenseKernel("d", nIn, nOut, true, ws[p], bs[p]);
            long[] y = k.forward(bk, xs[p], ShareKind.BOTH, b);
            long[] dx = k.backward(bk, dys[p], ShareKind.BOTH, true);
            return new long[][] {y, dx, k.weights().gradient()};
        });
        assertArrayEquals(yRef, TestShares.join(res.party0()[0], res.party1()[0]), "forward (HE product + garbled ReLU) is exact");
        assertArrayEquals(dwRef, TestShares.join(res.party0()[2], res.party1()[2]), "dW (HE product of shares) is exact");
        long[] dx = TestShares.join(res.party0()[1], res.party1()[1]);
        for (int i = 0; i < dx.length; i++) {
            long err = dxRef[i] - dx[i];
            assertTrue(err == 0 || err == 1, "dX within one ulp below the floor, element " + i + " err " + err);
        }
    }

    @Test
    void maxPoolForwardAndBackwardAreBitExact() {
        Random r = new Random(22);
        int b = 2, c = 3, h = 4, w = 6;
        long[] x = new long[b * c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(1 << 20) - (1 << 19);
        x[0] = x[1]; // a tie: the lower index wins everywhere
        long[] dOut = new long[b * c * (h / 2) * (w / 2)];
        for (int i = 0; i < dOut.length; i++) dOut[i] = r.nextLong() >> 8;
        MaxPoolKernel refK = new MaxPoolKernel("p", c, h, w, 2, 2, 2, 2);
        long[] yRef = refK.forward(REF, x, b);
        long[] dRef = refK.backward(REF, dOut);
        long[][] xs = TestShares.split(x, r), ds = TestShares.split(dOut, r);
        var res = both((bk, p) -> {
            MaxPoolKernel k = new MaxPoolKernel("p", c, h, w, 2, 2, 2, 2);
            return new long[][] {k.forward(bk, xs[p], b), k.backward(bk, ds[p])};
        });
        assertArrayEquals(yRef, TestShares.join(res.party0()[0], res.party1()[0]));
        assertArrayEquals(dRef, TestShares.join(res.party0()[1], res.party1()[1]));
    }

    @Test
    void revealGoesToTheReceiverOnly() {
        long[] x = {1, -2, 3};
        long[][] xs = TestShares.split(x, new Random(23));
        var res = both((bk, p) -> bk.revealTo(1, xs[p], ProtocolId.parse("t")));
        assertNull(res.party0());
        assertArrayEquals(x, res.party1());
    }

    /** Nesterov on fixed gradients: no chaos, so the one-ulp truncation differences add up as the recurrence says. */
    @Test
    void nesterovUpdateTracksTheReferenceWithinAnUlpPerStep() {
        Random r = new Random(24);
        int n = 500, steps = 10;
        long[] w = new long[n], g = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = FP.encode(r.nextGaussian());
            g[i] = FP.encode(r.nextGaussian() * 4) << FP.fracBits(); // gradients arrive at scale 2f
        }
        SgdConfig cfg = SgdConfig.nesterov(0.1, 0.9);
        ParameterShare ref = new ParameterShare("w", w.clone());
        for (int s = 0; s < steps; s++) {
            ref.setGradient(g.clone(), FP.fracBits());
            ref.applySgd(REF, cfg, 8);
        }
        long[][] ws = TestShares.split(w, r), gs = TestShares.split(g, r);
        var res = both((bk, p) -> {
            ParameterShare ps = new ParameterShare("w", ws[p].clone());
            for (int s = 0; s < steps; s++) {
                ps.setGradient(gs[p].clone(), FP.fracBits());
                ps.applySgd(bk, cfg, 8);
            }
            return ps.value();
        });
        // Worst case from the update's structure, each faithful truncation off by at most one ulp:
        // v' = trunc(mu v) - trunc(lr g): e_v' <= mu e_v + 2 (+1 for the truncated gradient times lr < 1);
        // W += trunc((1+mu) v') - trunc(mu v): e_W grows by (1+mu) e_v' + mu e_v + 2 per step.
        double mu = cfg.momentum(), ev = 0, bound = 0;
        for (int s = 0; s < steps; s++) {
            double evNew = mu * ev + 3;
            bound += (1 + mu) * evNew + mu * ev + 2;
            ev = evNew;
        }
        long[] got = TestShares.join(res.party0(), res.party1());
        long worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(got[i] - ref.value()[i]));
        }
        assertTrue(worst <= bound, "weights differ by up to " + worst + " ulp, bound " + bound);
        double moved = Math.abs(FP.decode(ref.value()[0]) - FP.decode(w[0]));
        assertTrue(moved > 1e-3, "the update must move the weights");
    }

    /**
     * Several tensors (weights with product gradients at scale 2f, a bias with a sum gradient at scale f) updated as one
     * ({@link ParameterShare#applySgdTogether}): on the reference bit for bit what each alone gives, with and without
     * clipping, L2 and weight decay; on shares within the one-by-one update's bound of the reference, in the flights of
     * one tensor's update (gradient truncation, lr, mu, 1 + mu), whatever the number of tensors.
     */
    @Test
    void sgdOfSeveralTensorsTogetherIsEachAloneInTheFlightsOfOne() {
        Random r = new Random(25);
        int[] sizes = {300, 17, 120};
        int[] scales = {FP.fracBits(), 0, FP.fracBits()};
        int steps = 3;
        long[][] w = new long[sizes.length][], g = new long[sizes.length][];
        for (int t = 0; t < sizes.length; t++) {
            w[t] = new long[sizes[t]];
            g[t] = new long[sizes[t]];
            for (int i = 0; i < sizes[t]; i++) {
                w[t][i] = FP.encode(r.nextGaussian());
                g[t][i] = FP.encode(r.nextGaussian() * 4) << scales[t];
            }
        }
        SgdConfig cfg = SgdConfig.nesterov(0.1, 0.9);
        for (GradientTerms terms : new GradientTerms[] {GradientTerms.NONE, new GradientTerms(0.2, 0.01, 0, 0.001)}) {
            java.util.List<ParameterShare> alone = new java.util.ArrayList<>();
            java.util.List<ParameterShare> together = new java.util.ArrayList<>();
            for (int t = 0; t < sizes.length; t++) {
                alone.add(new ParameterShare("a" + t, w[t].clone()));
                together.add(new ParameterShare("t" + t, w[t].clone()));
            }
            for (int s = 0; s < steps; s++) {
                for (int t = 0; t < sizes.length; t++) {
                    alone.get(t).setGradient(g[t].clone(), scales[t]);
                    alone.get(t).applySgd(REF, cfg, 8, terms);
                    together.get(t).setGradient(g[t].clone(), scales[t]);
                }
                ParameterShare.applySgdTogether(REF, cfg, 8, terms, together, ProtocolId.parse("all"));
            }
            for (int t = 0; t < sizes.length; t++) {
                assertArrayEquals(alone.get(t).value(), together.get(t).value(), terms + " tensor " + t);
                assertArrayEquals(alone.get(t).velocity(), together.get(t).velocity(), terms + " velocity " + t);
                assertNull(together.get(t).gradient(), "the gradient is consumed");
            }
        }

        long[][][] ws = new long[sizes.length][][], gs = new long[sizes.length][][];
        for (int t = 0; t < sizes.length; t++) {
            ws[t] = TestShares.split(w[t], r);
            gs[t] = TestShares.split(g[t], r);
        }
        var res = both((bk, p) -> {
            java.util.List<ParameterShare> ps = new java.util.ArrayList<>();
            for (int t = 0; t < sizes.length; t++) {
                ps.add(new ParameterShare("w" + t, ws[t][p].clone()));
            }
            org.securetrain.runtime.Session session = ((TwoPartyBackend) bk).session();
            long[] rounds = new long[steps];
            for (int s = 0; s < steps; s++) {
                for (int t = 0; t < sizes.length; t++) {
                    ps.get(t).setGradient(gs[t][p].clone(), scales[t]);
                }
                long before = session.traffic().total().rounds();
                ParameterShare.applySgdTogether(bk, cfg, 8, GradientTerms.NONE, ps, ProtocolId.parse("sgdall"));
                rounds[s] = session.traffic().total().rounds() - before;
            }
            long[][] out = new long[sizes.length + 1][];
            for (int t = 0; t < sizes.length; t++) {
                out[t] = ps.get(t).value();
            }
            out[sizes.length] = rounds;
            return out;
        });
        // the bound of nesterovUpdateTracksTheReferenceWithinAnUlpPerStep over these steps
        double mu = cfg.momentum(), ev = 0, bound = 0;
        for (int s = 0; s < steps; s++) {
            double evNew = mu * ev + 3;
            bound += (1 + mu) * evNew + mu * ev + 2;
            ev = evNew;
        }
        for (int t = 0; t < sizes.length; t++) {
            ParameterShare ref = new ParameterShare("r" + t, w[t].clone());
            for (int s = 0; s < steps; s++) {
                ref.setGradient(g[t].clone(), scales[t]);
                ref.applySgd(REF, cfg, 8);
            }
            long[] got = TestShares.join(res.party0()[t], res.party1()[t]);
            for (int i = 0; i < got.length; i++) {
                assertTrue(Math.abs(got[i] - ref.value()[i]) <= bound, "tensor " + t + " element " + i + ": "
                        + got[i] + " vs " + ref.value()[i] + ", bound " + bound);
            }
        }
        for (int s = 0; s < steps; s++) {
            // one flight per truncation (each party sends once): the gradients', lr, mu and 1 + mu
            assertEquals(4, res.party0()[sizes.length][s], "party 0's flights in step " + s);
            assertEquals(4, res.party1()[sizes.length][s], "party 1's flights in step " + s);
        }
    }

    @Test
    void mismatchedShapesFailFastOnBothSides() {
        InMemoryTransport.Pair q = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(60)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(60)).build());
        RuntimeException e = assertThrows(RuntimeException.class, () -> TwoPartyRunner.run(
                q.party(0), s -> {
                    TwoPartyBackend t = TwoPartyBackend.open(s, FP);
                    return new DenseKernel("d", 4, 3, true, new long[12], new long[3]).forward(t, new long[8], ShareKind.BOTH, 2);
                },
                q.party(1), s -> {
                    TwoPartyBackend t = TwoPartyBackend.open(s, FP);
                    return new DenseKernel("d", 5, 3, true, new long[15], new long[3]).forward(t, new long[10], ShareKind.BOTH, 2);
                }));
        assertTrue(e.getMessage().contains("2x4") || e.getMessage().contains("2x5"), e.getMessage());
        org.securetrain.runtime.testing.Failures.assertNotATimeout(e, "mismatched shapes"); // fails fast
        q.close();
    }

    @Test
    void revealToDifferentReceiversFailsBothPartiesNamingBothViews() {
        InMemoryTransport.Pair q = InMemoryTransport.pair(OtTestPair.opts(Role.MODEL_OWNER, Duration.ofMillis(200)),
                OtTestPair.opts(Role.DATA_OWNER, Duration.ofMillis(200)));
        try (q) {
            Object[] r = new Object[2];
            TwoPartyRunner.run(q.party(0), s -> r[0] = revealAt(s, 0), q.party(1), s -> r[1] = revealAt(s, 1));
            OtTestPair.assertBothFailNamingBothViews(r, "reveals 3 values to party 0", "reveals 3 values to party 1");
        }
    }

    /** Each party reveals to itself: both wait for the other's share (the probe finds the disagreement). */
    private static Object revealAt(org.securetrain.runtime.Session s, int receiver) {
        try {
            return TwoPartyBackend.open(s, FP).revealTo(receiver, new long[3], ProtocolId.of("out"));
        } catch (RuntimeException e) {
            return e;
        }
    }
}
