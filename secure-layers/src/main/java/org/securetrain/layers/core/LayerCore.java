package org.securetrain.layers.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.backend.Backend;
import org.securetrain.backend.ShareKind;
import org.securetrain.layermath.ExactTruncation;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.runtime.ProtocolId;

/**
 * Everything a secure layer does besides its math ({@link SecureOp}), the same for every layer and held by
 * composition, since DL4J's implementation base classes differ ({@code BaseLayer}, {@code BaseOutputLayer},
 * {@code AbstractLayer}; a graph vertex later):
 * <ul>
 *   <li>the party's {@link SecureLayerContext}, bound at attach and after clone/restore, never stored in a
 *   configuration; the checks that it is there and that the layer has its shares;</li>
 *   <li>the parameter shares: created from DL4J's initialised parameters as (W, 0) at attach, the optimiser step
 *   after each backward, export/import (clone, restore, checkpoint) and reveal;</li>
 *   <li>DL4J's side: its parameter views kept at zero (or, in the INSECURE debug mode, the revealed values), zero
 *   gradients written into its gradient views so its NoOp updater changes nothing, shares moved in and out of
 *   LONG arrays in the right workspaces;</li>
 *   <li>a failure at this party ends the session with the reason, so the peer fails at once.</li>
 * </ul>
 *
 * <p>The optimiser step runs after the layer's backward: dL/dX has already been computed from the pre-update
 * parameters, and nothing later in the iteration reads this layer's parameters. With a context that queues steps
 * ({@link SecureLayerContext#stepUpdates}) it runs with every other layer's at the end of the backward pass, batched.
 */
public final class LayerCore {
    private final LayerHost host;
    private final SecureOp op;
    private transient SecureLayerContext ctx;
    private LayerShares shares; // null until initShares; stays null for a parameter-free layer
    private int lastBatch = -1;
    private GraphPlacement placement; // null in a multi-layer network: the host's index decides

    public LayerCore(LayerHost host, SecureOp op) {
        this.host = host;
        this.op = op;
    }

    public SecureOp op() {
        return op;
    }

    /** This layer in messages: "layer 3 (SecureConvolutionLayer 'c1')". */
    public String id() {
        return "layer " + host.index() + " (" + host.describe() + ")";
    }

    /** This layer's protocol name: "layer3.conv". */
    public String name() {
        return "layer" + host.index() + "." + op.kind();
    }

    // ------------------------------------------------------------------ lifecycle (SecureLayer)

    /** Binds the context; the layer keeps whatever shares it already holds. */
    public void bind(SecureLayerContext ctx) {
        this.ctx = ctx;
    }

    /** The bound context, or null before attach (and after clone/restore). */
    public SecureLayerContext context() {
        return ctx;
    }

    /**
     * In a {@code ComputationGraph}: where this layer sits, which a layer cannot tell from its own index (a vertex
     * index). Set by the integration at attach and reattach, before the first forward.
     */
    public void placeInGraph(GraphPlacement p) {
        this.placement = java.util.Objects.requireNonNull(p, "placement");
    }

    /** Whether the input is a network input (the data owner's features, shared as the context says). */
    private boolean readsNetworkInput() {
        return placement == null ? host.takesNetworkInput() : placement.readsNetworkInput();
    }

    /** Whether this layer's backward is the last of an iteration (the range guard's end-of-step check then). */
    private boolean endsBackward() {
        return placement == null ? host.takesNetworkInput() : placement.lastBackward();
    }

    private boolean hasParameters() {
        return !host.parameterViews().isEmpty();
    }

    /** Whether the layer has its parameter shares (always true without parameters). */
    public boolean hasShares() {
        return shares != null || !hasParameters();
    }

    /**
     * Binds the context and creates this party's parameter shares from DL4J's parameter views as (W, 0): the model
     * owner's share is the plaintext in the view, the data owner's is zero. Then clears the views, which from here
     * on are only a public monitor (zeros, or revealed values in debug mode).
     */
    public void initShares(SecureLayerContext ctx) {
        this.ctx = ctx;
        if (!hasParameters()) {
            return;
        }
        Backend be = ctx.backend();
        Map<String, INDArray> views = host.parameterViews();
        Map<String, long[]> initial = new LinkedHashMap<>();
        views.forEach((k, v) -> initial.put(k, LayerShares.initialShare(op.fromDl4j(k, Shares.toDoubles(v)), be)));
        Map<String, ParameterShare> live = op.initParameters(name(), initial);
        Map<String, ShareUpdater> updaters = new LinkedHashMap<>();
        for (String k : live.keySet()) {
            // null for NoOp: the parameter is not trained
            ShareUpdater u = op.trainedByUpdater(k) ? SecureUpdaters.forShares(host.updaterFor(k),
                    host.regularizationFor(k), host.elementWiseClip(), id() + " " + k) : null;
            if (u != null) {
                updaters.put(k, u);
            }
        }
        shares = new LayerShares(name(), live, updaters, op,
                LayerGradientNormalization.of(host.gradientNormalization(), host.gradientNormalizationThreshold()));
        for (INDArray v : views.values()) {
            v.assign(0);
        }
        if (ctx.debugRevealWeights()) {
            shares.writeMonitor(views, be);
        }
    }

    /** This party's shares and optimiser state, keyed "W", "W.velocity", ... (copies; empty without parameters). */
    public Map<String, long[]> exportShares() {
        if (!hasParameters()) {
            return Collections.emptyMap();
        }
        ready();
        return shares.export();
    }

    /** Installs shares exported by {@link #exportShares()} from an identically configured layer. */
    public void importShares(Map<String, long[]> m) {
        if (!hasParameters()) {
            if (!m.isEmpty()) {
                throw new IllegalArgumentException(id() + ": has no parameters, got shares " + m.keySet());
            }
            return;
        }
        if (shares == null) {
            throw new IllegalStateException(id() + ": initialise shares (attach) before importing");
        }
        shares.importFrom(m);
    }

    /**
     * Reveals the parameters to party {@code receiver} (both parties call this in the same order): key to plaintext
     * values in C order at the receiver, null at the other party; empty at both without parameters.
     */
    public Map<String, double[]> revealParams(int receiver) {
        if (!hasParameters()) {
            return Collections.emptyMap();
        }
        Backend be = ready();
        return guarded("reveal", () -> shares.reveal(be, receiver));
    }

    // ------------------------------------------------------------------ a hidden layer's flow

    /** DL4J's activate: the op's forward on this party's input share, returned as a LONG share. */
    public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr mgr) {
        return guarded("forward", () -> {
            OpStep s = step(training);
            SharedTensor x = trainingInput(s, input);
            int batch = s.intSize(input.size(0), "batch size");
            SharedTensor y = op.forward(s, x);
            lastBatch = batch;
            return mgr.dup(ArrayType.ACTIVATIONS, Shares.toIndArray(y.values(), y.shape()));
        });
    }

    /** DL4J's backpropGradient: the op's backward, then the optimiser step (see {@link #finishBackward}). */
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon,
            Map<String, INDArray> gradientViews, LayerWorkspaceMgr mgr) {
        return guarded("backward", () -> {
            OpStep s = step(true);
            SharedTensor dy = new SharedTensor(Shares.toLongs(epsilon, id() + " epsilon"), epsilon.shape(),
                    ShareKind.BOTH);
            SharedTensor dx = dropoutBackward(s, op.backward(s, dy));
            return finishBackward(s, dx, lastBatch, input, gradientViews, mgr);
        });
    }

    // ------------------------------------------------------------------ building blocks for other flows

    /**
     * Runs a step of this layer; on failure tells the context (which ends the session with the reason, so the peer
     * fails at once rather than waiting for a message that will not come) and rethrows.
     *
     * @param what the step, e.g. "forward": the report says "layer 3 (Type) forward"
     */
    public <T> T guarded(String what, Supplier<T> body) {
        return guarded(ctx, id() + " " + what, body);
    }

    /** {@link #guarded(String, Supplier)} for any secure part (a graph vertex too): {@code where} names it and the step. */
    public static <T> T guarded(SecureLayerContext ctx, String where, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            if (ctx != null) {
                ctx.failed(where, e);
            }
            throw e;
        }
    }

    /** The context and backend for one op call, after checking the layer can compute. */
    public OpStep step(boolean training) {
        SecureLayerContext c = ctx;
        return new OpStep(ready(), ProtocolId.parse(name()), id(), readsNetworkInput(), training, host.iteration(),
                host.epoch(), c::jointSeed);
    }

    private Backend ready() {
        if (ctx == null) {
            throw new IllegalStateException(id() + ": no SecurePartyContext attached (build the network with "
                    + "SecureTrain.attach(conf, ctx); after clone() or restore use SecureTrain.reattach)");
        }
        if (!hasShares()) {
            throw new IllegalStateException(id() + ": no weight shares (a clone or restored network loses them): "
                    + "use SecureTrain.reattach(net, ctx, SecureTrain.exportState(original))");
        }
        return ctx.backend();
    }

    /**
     * Runs the optimiser steps the layers queued in this context ({@link StepUpdates}), if any. At the end of the
     * backward pass; also before a forward reads parameters, should a backward pass have ended without its last
     * layer (both parties alike: they make the same calls).
     */
    private void runQueuedUpdates(Backend be) {
        StepUpdates queue = ctx.stepUpdates();
        if (queue != null && !queue.isEmpty()) {
            queue.run(be);
        }
    }

    /**
     * This party's share of the layer's input as the op sees it: in a training pass with dropout configured, DL4J's
     * inverted dropout with the public mask of this layer and step ({@link DropoutMasks}): kept elements times the
     * public 1/p, dropped ones exactly 0. Exact when 1/p is an integer; else floor(x round(2^f / p) / 2^f) exactly
     * ({@link ExactTruncation}), not the faithful truncation's floor or floor - 1: a kept exact 0 (a ReLU zero) must
     * stay 0, or a row that DL4J has all zero (ReLU zeros and dropped elements) gives the next layer a pre-activation
     * a few ulps off its bias, and with a zero bias (DL4J's initialisation) a LeakyReLU or ReLU edge at 0 takes
     * either side at random, unlike DL4J.
     */
    public SharedTensor trainingInput(OpStep s, INDArray input) {
        runQueuedUpdates(s.be());
        SharedTensor x = inputShare(input);
        double[] m = dropoutMask(s, x.values().length);
        return m == null ? x : scaleByMask(s, x, m, "dropout", true);
    }

    /**
     * The gradient through the forward's dropout: dL/dX = dL/dX' times the same public mask (for a non-integer 1/p
     * with the faithful truncation: gradients meet no comparison, so its one ulp is only a one-ulp error).
     */
    public SharedTensor dropoutBackward(OpStep s, SharedTensor dxAfterDropout) {
        if (dxAfterDropout == null) {
            return null;
        }
        double[] m = dropoutMask(s, dxAfterDropout.values().length);
        return m == null ? dxAfterDropout : scaleByMask(s, dxAfterDropout, m, "ddropout", false);
    }

    /** The mask multipliers of this layer and step, or null without dropout (or outside training). */
    private double[] dropoutMask(OpStep s, int n) {
        if (!s.training() || !(host.dropout() instanceof org.deeplearning4j.nn.conf.dropout.Dropout d)) {
            return null;
        }
        double p = DropoutMasks.retainProbability(d, s.iteration(), s.epoch());
        return DropoutMasks.multipliers(s.seed(), host.index(), s.iteration(), s.epoch(), p, n);
    }

    /**
     * x times the mask m (each 0 or 1/p); {@code exact}: a non-integer 1/p gives exactly floor(x round(2^f / p) /
     * 2^f), else floor or floor - 1 (see {@link #trainingInput}).
     */
    private static SharedTensor scaleByMask(OpStep s, SharedTensor x, double[] m, String what, boolean exact) {
        long[] v = x.values();
        long[] y = new long[v.length];
        int kept = 0;
        double scale = 0;
        for (double mi : m) {
            if (mi != 0) {
                kept++;
                scale = mi;
            }
        }
        if (scale == Math.rint(scale)) {
            long c = (long) scale;
            for (int i = 0; i < v.length; i++) {
                y[i] = m[i] == 0 ? 0 : v[i] * c;
            }
            return new SharedTensor(y, x.shape(), x.kind());
        }
        // the kept elements times round(2^f / p), truncated by f; the dropped stay exactly 0
        int f = s.fracBits();
        long c = Math.round(Math.scalb(scale, f));
        long[] keptValues = new long[kept];
        for (int i = 0, k = 0; i < v.length; i++) {
            if (m[i] != 0) {
                keptValues[k++] = v[i] * c;
            }
        }
        // held by one party (the network input as (0, X)): its own shift is exact, the zero share stays zero
        boolean local = x.kind() != ShareKind.BOTH;
        long[] t = local ? ExactTruncation.local(keptValues, f)
                : exact ? ExactTruncation.floor(s.be(), keptValues, f, s.purpose(what))
                : s.be().truncate(keptValues, f, s.purpose(what));
        for (int i = 0, k = 0; i < v.length; i++) {
            if (m[i] != 0) {
                y[i] = t[k++];
            }
        }
        return new SharedTensor(y, x.shape(), local ? x.kind() : ShareKind.BOTH);
    }

    /**
     * The range guard's bit before an output layer opens values to the label owner ({@code inTraining}: the loss of a
     * training step; else an inference pass): a value that left the safe range must stop the run with the guard's
     * error, not reach the label owner's activation or loss as a NaN or a wrong number.
     */
    public void verifyRangeBeforeOpening(OpStep s, boolean inTraining) {
        ctx.verifyRange(inTraining ? "iteration " + s.iteration() + ", epoch " + s.epoch() + " (" + id() + " forward)"
                : "inference (" + id() + ")");
    }

    /** This party's share of the layer's input; the network input is shared as the context says, e.g. (0, X). */
    public SharedTensor inputShare(INDArray input) {
        ShareKind kind = readsNetworkInput() ? ctx.inputKind() : ShareKind.BOTH;
        return new SharedTensor(Shares.toLongs(input, id()), input.shape(), kind);
    }

    /**
     * The end of every backward: the optimiser step on the trained parameters (and the debug monitor), zero
     * gradients for DL4J, and dL/dX as DL4J's epsilon (zeros for the layer that takes the network input: DL4J may
     * still hand it to a preprocessor).
     */
    public Pair<Gradient, INDArray> finishBackward(OpStep s, SharedTensor dxOrNull, int batch, INDArray input,
            Map<String, INDArray> gradientViews, LayerWorkspaceMgr mgr) {
        StepUpdates queue = ctx.stepUpdates();
        if (shares != null) {
            // DL4J scores the regularisation after backprop but before its updater: the pre-update weights
            pendingRegularization = shares.regularized()
                    ? revealRegularization(s.be(), shares.regularizationShare(s.be(), host.iteration(), host.epoch(),
                            true)) : null;
            // DL4J's updater divides by the network's minibatch (in a graph not always this layer's rows)
            int divisor = placement == null ? batch : placement.networkBatch().getAsInt();
            int updateBatch = host.miniBatch() ? divisor : 1;
            if (queue == null) {
                shares.update(s.be(), updateBatch, host.iteration(), host.epoch());
                if (ctx.debugRevealWeights()) {
                    shares.writeMonitor(host.parameterViews(), s.be());
                }
            } else {
                // run with the other layers' steps at the end of the backward pass (StepUpdates)
                LayerShares mine = shares;
                mine.queueUpdate(s.be(), queue, updateBatch, host.iteration(), host.epoch());
                if (ctx.debugRevealWeights()) {
                    Map<String, INDArray> views = host.parameterViews();
                    Backend be = s.be();
                    queue.afterwards(() -> mine.writeMonitor(views, be));
                }
            }
        }
        Gradient g = new DefaultGradient();
        for (Map.Entry<String, INDArray> e : gradientViews.entrySet()) {
            // written into DL4J's views with assign: it ignores fresh arrays
            e.getValue().assign(0);
            g.setGradientFor(e.getKey(), e.getValue());
        }
        if (endsBackward()) {
            // the last backward of the iteration: every layer's optimiser step together, then every value of the step
            // has been checked
            runQueuedUpdates(s.be());
            ctx.verifyRange("iteration " + host.iteration() + ", epoch " + host.epoch() + " (" + id() + ")");
        }
        long[] dx = s.needInputGradient() ? dxOrNull.values() : new long[(int) input.length()];
        return new Pair<>(g, mgr.dup(ArrayType.ACTIVATION_GRAD, Shares.toIndArray(dx, input.shape())));
    }

    /**
     * DL4J's {@code calcRegularizationScore} of this layer: the sum of its parameters' regularisation terms, revealed
     * to the parties that see the score (label-owner mode: the data owner, who sees the loss; 0 at the model owner,
     * whose score comes from the data owner if at all).
     * After a backward, the value of the weights before that step's update (DL4J scores before its updater runs);
     * otherwise computed now. Both parties call it at the same point (DL4J's flow); 0 without regularisation.
     */
    public double regularizationScore() {
        if (shares == null || !shares.regularized()) {
            return 0;
        }
        Backend be = ready();
        return guarded("regularisation score", () -> {
            Double v = pendingRegularization;
            pendingRegularization = null;
            return v != null ? v
                    : revealRegularization(be, shares.regularizationShare(be, host.iteration(), host.epoch(), false));
        });
    }

    private Double pendingRegularization;

    /** Opens the term to the parties that see the score ({@link SecureLayerContext#scoreReceivers}); 0 elsewhere. */
    private double revealRegularization(Backend be, long share) {
        int[] receivers = ctx.scoreReceivers();
        double value = 0.0;
        for (int r : receivers) {
            ProtocolId id = ProtocolId.parse(name()).child("reg");
            long[] v = be.revealTo(r, new long[] {share}, receivers.length == 1 ? id : id.child("to" + r));
            if (v != null) {
                value = be.fixedPoint().decodeDouble(v[0]);
            }
        }
        return value;
    }

    /** {@code n} as an int size in [1, 2^31), else an error naming {@code where} and {@code what}. */
    public static int intSize(long n, String what, String where) {
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": " + what + " " + n + " out of range");
        }
        return (int) n;
    }
}
