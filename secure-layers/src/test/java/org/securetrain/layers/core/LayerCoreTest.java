package org.securetrain.layers.core;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.ring.FixedPoint;
import org.securetrain.ring.RingMatrix;

/**
 * The core on its own, with ops written as a new layer would be (forward and backward only) and a host that is
 * not a DL4J layer (as a graph vertex will be): several parameter tensors, one the op maintains itself, optimiser
 * state, a parameter-free op, and the misuse cases. On the insecure single-process reference backend.
 */
class LayerCoreTest {
    static final int F = 16;
    static final FixedPoint FP = FixedPoint.of(F);

    /** A context on the plaintext reference (one process acts for both parties). */
    static final class ReferenceContext implements SecureLayerContext {
        final Backend be;
        final StepUpdates queue;
        final List<String> failures = new ArrayList<>();
        boolean debug;

        ReferenceContext() {
            this(new InsecurePlaintextBackend(FP), null);
        }

        /** On {@code be}, queuing the layers' optimiser steps in {@code queue} (null: each layer updates at once). */
        ReferenceContext(Backend be, StepUpdates queue) {
            this.be = be;
            this.queue = queue;
        }

        @Override
        public StepUpdates stepUpdates() {
            return queue;
        }

        @Override
        public Backend backend() {
            return be;
        }

        @Override
        public double exchangeScore(double lossAtDataOwner) {
            return lossAtDataOwner;
        }

        @Override
        public boolean debugRevealWeights() {
            return debug;
        }

        @Override
        public void failed(String where, RuntimeException cause) {
            failures.add(where + ": " + cause.getClass().getSimpleName());
        }
    }

    /** A host with the given parameter views (DL4J's are views of one flat array; separate arrays do here). */
    static LayerHost host(Map<String, INDArray> views, IUpdater updater) {
        return host(views, updater, 3, false);
    }

    /** A host at {@code index}; {@code first}: it takes the network input (its backward ends the pass). */
    static LayerHost host(Map<String, INDArray> views, IUpdater updater, int index, boolean first) {
        return new LayerHost() {
            @Override
            public int index() {
                return index;
            }

            @Override
            public String describe() {
                return "TestLayer 't'";
            }

            @Override
            public boolean takesNetworkInput() {
                return first;
            }

            @Override
            public java.util.List<org.nd4j.linalg.learning.regularization.Regularization> regularizationFor(String key) {
                return java.util.List.of();
            }

            @Override
            public double elementWiseClip() {
                return 0;
            }

            @Override
            public boolean miniBatch() {
                return true;
            }

            @Override
            public int iteration() {
                return 0;
            }

            @Override
            public int epoch() {
                return 0;
            }

            @Override
            public Map<String, INDArray> parameterViews() {
                return views;
            }

            @Override
            public IUpdater updaterFor(String key) {
                return updater;
            }
        };
    }

    /**
     * y = gamma * x + beta per feature (BatchNorm-like parameters), and "count", which the op maintains itself:
     * the number of forward rows seen. Backward stores dGamma = sum(dy * x) (scale 2f), dBeta = sum(dy).
     */
    static final class ScaleShiftOp extends SecureOp {
        ParameterShare gamma;
        ParameterShare beta;
        ParameterShare count;
        long[] x;

        ScaleShiftOp() {
            super("scaleshift", Layer.Type.FEED_FORWARD);
        }

        @Override
        public Map<String, ParameterShare> initParameters(String name, Map<String, long[]> initialShares) {
            gamma = new ParameterShare(name + ".gamma", initialShares.get("gamma"));
            beta = new ParameterShare(name + ".beta", initialShares.get("beta"));
            count = new ParameterShare(name + ".count", initialShares.get("count"));
            Map<String, ParameterShare> live = new LinkedHashMap<>();
            live.put("gamma", gamma);
            live.put("beta", beta);
            live.put("count", count);
            return live;
        }

        @Override
        public boolean trainedByUpdater(String key) {
            return !key.equals("count");
        }

        @Override
        public SharedTensor forward(OpStep s, SharedTensor in) {
            int batch = in.dim(0);
            int n = in.dim(1);
            x = in.values();
            long[] y = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = x[i] * gamma.value()[i % n];
            }
            y = s.be().truncate(y, s.fracBits(), s.purpose("trunc"));
            RingMatrix.addToEveryRow(y, batch, n, beta.value());
            count.value()[0] += s.be().actsFor(0) ? FP.encode(batch) : 0;
            return SharedTensor.of(y, batch, n);
        }

        @Override
        public SharedTensor backward(OpStep s, SharedTensor dy) {
            int batch = dy.dim(0);
            int n = dy.dim(1);
            long[] dGamma = new long[n];
            long[] dBeta = new long[n];
            long[] dx = new long[dy.values().length];
            for (int i = 0; i < dx.length; i++) {
                dGamma[i % n] += dy.values()[i] * x[i];
                dBeta[i % n] += dy.values()[i];
                dx[i] = dy.values()[i] * gamma.value()[i % n];
            }
            gamma.setGradient(dGamma, s.fracBits());
            beta.setGradient(dBeta, 0);
            return SharedTensor.of(s.be().truncate(dx, s.fracBits(), s.purpose("dx")), batch, n);
        }
    }

    /** A parameter-free op: y = x, dx = dy. */
    static final class IdentityOp extends SecureOp {
        IdentityOp() {
            super("identity", Layer.Type.FEED_FORWARD);
        }

        @Override
        public SharedTensor forward(OpStep s, SharedTensor x) {
            return x;
        }

        @Override
        public SharedTensor backward(OpStep s, SharedTensor dy) {
            return dy;
        }
    }

    static Map<String, INDArray> views(double[] gamma, double[] beta) {
        Map<String, INDArray> v = new LinkedHashMap<>();
        v.put("gamma", Nd4j.createFromArray(gamma).castTo(DataType.FLOAT));
        v.put("beta", Nd4j.createFromArray(beta).castTo(DataType.FLOAT));
        v.put("count", Nd4j.zeros(DataType.FLOAT, 1));
        return v;
    }

    static double[] decode(long[] v) {
        return FP.decode(v);
    }

    @Test
    void severalParametersAStateTheOpKeepsAndMomentumGoThroughOneLifecycle() {
        Map<String, INDArray> views = views(new double[] {2, -1}, new double[] {0.5, 0.25});
        ScaleShiftOp op = new ScaleShiftOp();
        LayerCore core = new LayerCore(host(views, new Nesterovs(0.5, 0.9)), op);
        assertEquals("layer 3 (TestLayer 't')", core.id());
        assertEquals("layer3.scaleshift", core.name());
        assertFalse(core.hasShares());
        ReferenceContext ctx = new ReferenceContext();
        core.initShares(ctx);
        assertTrue(core.hasShares());
        for (INDArray v : views.values()) {
            assertEquals(0.0, v.amaxNumber().doubleValue(), "DL4J's views are a zero monitor");
        }
        assertArrayEquals(new double[] {2, -1}, core.revealParams(1).get("gamma"));

        INDArray x = Shares.toIndArray(FP.encode(new double[] {1, 2, 3, 4}), 2, 2);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray y = core.activate(x, true, mgr);
        assertArrayEquals(new double[] {2.5, -1.75, 6.5, -3.75}, decode(Shares.toLongs(y, "y")), 1e-4);
        INDArray dy = Shares.toIndArray(FP.encode(new double[] {1, 1, 1, 1}), 2, 2);
        Map<String, INDArray> gradientViews = Map.of("gamma", Nd4j.ones(DataType.FLOAT, 2));
        Pair<Gradient, INDArray> back = core.backpropGradient(x, dy, gradientViews, mgr);
        assertEquals(0.0, gradientViews.get("gamma").amaxNumber().doubleValue(), "DL4J sees zero gradients");
        assertArrayEquals(new double[] {2, -1, 2, -1}, decode(Shares.toLongs(back.getSecond(), "dx")), 1e-4);

        // Nesterov with v = 0: W -= (1 + mu) * lr / batch * g; g_gamma = (4, 6), g_beta = (2, 2)
        Map<String, double[]> after = core.revealParams(0);
        assertArrayEquals(new double[] {2 - 1.9 * 0.25 * 4, -1 - 1.9 * 0.25 * 6}, after.get("gamma"), 1e-4);
        assertArrayEquals(new double[] {0.5 - 1.9 * 0.25 * 2, 0.25 - 1.9 * 0.25 * 2}, after.get("beta"), 1e-4);
        assertArrayEquals(new double[] {2}, after.get("count"), 1e-9, "the op's own parameter, not trained");

        Map<String, long[]> exported = core.exportShares();
        assertEquals(List.of("gamma", "gamma.velocity", "beta", "beta.velocity", "count"),
                new ArrayList<>(exported.keySet()));
        LayerCore other = new LayerCore(host(views(new double[] {0, 0}, new double[] {0, 0}), new Nesterovs(0.5, 0.9)),
                new ScaleShiftOp());
        assertThrows(IllegalStateException.class, () -> other.importShares(exported), "before attach");
        other.initShares(ctx);
        other.importShares(exported);
        assertEquals(exported.keySet(), other.exportShares().keySet());
        for (String k : exported.keySet()) {
            assertArrayEquals(exported.get(k), other.exportShares().get(k), k);
        }
        Map<String, long[]> extra = new LinkedHashMap<>(exported);
        extra.put("gamma.m", new long[2]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.importShares(extra));
        assertTrue(e.getMessage().contains("layer3.scaleshift: unexpected share entry 'gamma.m'"), e.getMessage());
        Map<String, long[]> missing = new LinkedHashMap<>(exported);
        missing.remove("count");
        e = assertThrows(IllegalArgumentException.class, () -> other.importShares(missing));
        assertTrue(e.getMessage().contains("share 'count' is missing"), e.getMessage());
    }

    /**
     * Two layers and two training steps, once updating each layer at the end of its own backward and once with the
     * steps queued ({@link StepUpdates}): the queued steps wait for the last backward of the pass, then run as one
     * truncation per constant for both layers, and every share and velocity comes out bit for bit the same. (A
     * layer's own tensors go together either way.)
     */
    @Test
    void queuedOptimiserStepsRunTogetherAtTheEndOfTheBackwardPassWithTheSameResult() {
        List<String> immediateCalls = new ArrayList<>();
        List<Map<String, long[]>> immediate = trainTwoLayers(false, immediateCalls);
        List<String> queuedCalls = new ArrayList<>();
        List<Map<String, long[]>> queued = trainTwoLayers(true, queuedCalls);
        for (int l = 0; l < 2; l++) {
            assertEquals(immediate.get(l).keySet(), queued.get(l).keySet());
            for (String k : immediate.get(l).keySet()) {
                assertArrayEquals(immediate.get(l).get(k), queued.get(l).get(k), "layer " + l + " " + k);
            }
        }
        // each layer at once: per step and layer the gradient's truncation, then lr, mu, (1 + mu) for gamma and beta
        // together (4 calls); queued: the same 4 calls for all four tensors of both layers
        assertEquals(2 * 2 * 4, immediateCalls.size(), immediateCalls.toString());
        assertEquals(2 * 4, queuedCalls.size(), queuedCalls.toString());
        assertEquals(List.of("layer4.scaleshift.gamma.sgd.all.grad", "layer4.scaleshift.gamma.sgd.all.lr",
                "layer4.scaleshift.gamma.sgd.all.mu", "layer4.scaleshift.gamma.sgd.all.nesterov"),
                queuedCalls.subList(0, 4));
    }

    /** Layer 3 (takes the input) then layer 4, two Nesterov steps; the exported shares of both; the update's calls. */
    private static List<Map<String, long[]>> trainTwoLayers(boolean queue, List<String> updateCalls) {
        Backend counting = new org.securetrain.backend.ForwardingBackend(new InsecurePlaintextBackend(FP)) {
            @Override
            protected void onTruncate(long[] x, int bits, org.securetrain.runtime.ProtocolId id, long[] result) {
                if (id.name().contains(".sgd.")) {
                    updateCalls.add(id.name());
                }
            }
        };
        StepUpdates steps = queue ? new StepUpdates() : null;
        ReferenceContext ctx = new ReferenceContext(counting, steps);
        LayerCore lower = new LayerCore(host(views(new double[] {2, -1}, new double[] {0.5, 0.25}),
                new Nesterovs(0.5, 0.9), 3, true), new ScaleShiftOp());
        LayerCore upper = new LayerCore(host(views(new double[] {0.75, 1.5}, new double[] {-0.5, 0.125}),
                new Nesterovs(0.5, 0.9), 4, false), new ScaleShiftOp());
        lower.initShares(ctx);
        upper.initShares(ctx);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (int step = 0; step < 2; step++) {
            INDArray x = Shares.toIndArray(FP.encode(new double[] {1, 2 + step, -3, 4}), 2, 2);
            INDArray h = lower.activate(x, true, mgr);
            upper.activate(h, true, mgr);
            INDArray dz = Shares.toIndArray(FP.encode(new double[] {0.5, -1, 1.5, 0.25 * step}), 2, 2);
            Map<String, long[]> before = upper.exportShares();
            INDArray dh = upper.backpropGradient(h, dz, Map.of(), mgr).getSecond();
            if (queue) {
                assertFalse(steps.isEmpty(), "the upper layer's step waits for the end of the pass");
                assertArrayEquals(before.get("gamma"), upper.exportShares().get("gamma"), "not updated yet");
            }
            lower.backpropGradient(x, dh, Map.of(), mgr);
            if (queue) {
                assertTrue(steps.isEmpty(), "the layer that ends the pass ran every queued step");
            }
        }
        assertEquals(List.of(), ctx.failures);
        return List.of(lower.exportShares(), upper.exportShares());
    }

    @Test
    void plainSgdKeepsNoStateAndTheDebugMonitorShowsTheRevealedValues() {
        Map<String, INDArray> views = views(new double[] {1, 1}, new double[] {0, 0});
        LayerCore core = new LayerCore(host(views, new Sgd(0.1)), new ScaleShiftOp());
        ReferenceContext ctx = new ReferenceContext();
        ctx.debug = true;
        core.initShares(ctx);
        assertEquals(1.0, views.get("gamma").getDouble(0), "INSECURE debug monitor: revealed values in the view");
        assertEquals(List.of("gamma", "beta", "count"), new ArrayList<>(core.exportShares().keySet()));
    }

    @Test
    void aParameterFreeOpNeedsOnlyItsForwardAndBackward() {
        LayerCore core = new LayerCore(host(Map.of(), new Sgd(0.1)), new IdentityOp());
        assertTrue(core.hasShares(), "nothing to share");
        IllegalStateException notAttached = assertThrows(IllegalStateException.class,
                () -> core.activate(Shares.toIndArray(new long[4], 2, 2), false, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(notAttached.getMessage().startsWith("layer 3 (TestLayer 't'): no SecurePartyContext attached"),
                notAttached.getMessage());
        ReferenceContext ctx = new ReferenceContext();
        core.initShares(ctx);
        assertEquals(Map.of(), core.exportShares());
        assertEquals(Map.of(), core.revealParams(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> core.importShares(Map.of("W", new long[1])));
        assertTrue(e.getMessage().contains("has no parameters"), e.getMessage());

        // a failure inside the op is reported to the context (which ends the session) and rethrown
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> core.activate(
                Nd4j.zeros(DataType.DOUBLE, 2, 2), false, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(bad.getMessage().contains("expected this party's share as a LONG array"), bad.getMessage());
        assertEquals(List.of("layer 3 (TestLayer 't') forward: IllegalArgumentException"), ctx.failures);
    }
}
