package org.securetrain.dl4j;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.List;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.securetrain.backend.Backend;
import org.securetrain.backend.ForwardingBackend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.NonlinearEngine;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.backend.RangeCheckedBackend;
import org.securetrain.layers.core.SecureLayerContext;
import org.securetrain.layers.core.StepUpdates;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.TrafficStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one party brings to secure training: its role, the session with the peer, the two-party
 * backend, the fixed-point precision, the loss mode with its named leakage and the loss-visibility choice.
 * Attach it to a network with {@link SecureTrain#attach}; it is never stored in a configuration.
 *
 * <pre>{@code
 * SecurePartyContext.Builder b = SecurePartyContext.builder()
 *         .fracBits(20)
 *         .nonlinear(NonlinearEngine.OT)          // the default; GC: garbled circuits as in round 1
 *         .labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS)  // both parties: the leakage accepted
 *         .lossVisibility(LossVisibility.BOTH_PARTIES);  // decided by the data owner
 * Session session = ... SessionOptions.builder(role).configHash(b.configHash(conf)) ...;  // both parties
 * SecurePartyContext ctx = b.session(session).build();  // builds the TwoPartyBackend (or give .backend(...))
 * }</pre>
 * The session's configuration hash must be {@link Builder#configHash} of the same settings at both parties,
 * so that parties that would run different protocols or modes fail at the handshake.
 *
 * <p>What a two-party context runs is verified by type, not by what the backend says about itself: the backend
 * behind any {@link ForwardingBackend} decorators must be a {@link TwoPartyBackend} over this context's session
 * ({@link Backend} is sealed, so nothing else can pass for one).
 *
 * <p>For tests only, {@link Builder#insecurePlaintextReferenceForTests()} selects the INSECURE single-process
 * reference backend: one network acting for both parties, no session, no messages. It logs a warning and
 * refuses to be combined with a session.
 */
public final class SecurePartyContext implements SecureLayerContext, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SecurePartyContext.class);

    /** Channel on which the data owner sends each loss value to the model owner. */
    public static final String SCORE_CHANNEL = "securetrain.score";
    /** Channel on which the parties exchange their contributions to the joint seed (once per session). */
    public static final String SEED_CHANNEL = "securetrain.seed";
    private static final byte[] SEED_DOMAIN = "securetrain/joint-seed/v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Prefix of the channels of the shared-data iterators (one per iterator, numbered in creation order). */
    public static final String DATA_CHANNEL_PREFIX = "securetrain.data.";

    private final Role role;
    private final Session session;
    private final Backend backend;
    private final FixedPoint fixedPoint;
    private final LossVisibility lossVisibility;
    /** Null only for the insecure reference without a chosen mode (label-owner semantics then). */
    private final LossMode lossMode;
    private final boolean debugRevealWeights;
    /** The layers' optimiser steps of the current training step, run together at the end of its backward pass. */
    private final StepUpdates stepUpdates = new StepUpdates();
    private final boolean ownsBackend;
    private final AtomicInteger iterators = new AtomicInteger();
    private byte[] jointSeed;
    private volatile List<InputRange> inputRanges = List.of(InputRange.WHOLE_EXAMPLE);
    /** The session computes while this context is open: receives wait up to the session's computeTimeout. */
    private final Session.Computation computing;

    private SecurePartyContext(Role role, Session session, Backend backend, LossVisibility lossVisibility,
            LossMode lossMode, boolean debugRevealWeights, boolean ownsBackend,
            Session.Computation computing) {
        this.computing = computing;
        this.lossMode = lossMode;
        this.ownsBackend = ownsBackend;
        this.role = role;
        this.session = session;
        this.backend = backend;
        this.fixedPoint = backend.fixedPoint();
        this.lossVisibility = lossVisibility;
        this.debugRevealWeights = debugRevealWeights;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This party's role; null for the insecure reference, which acts for both. */
    public Role role() {
        return role;
    }

    /** The session with the peer; null for the insecure reference. */
    public Session session() {
        return session;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    public FixedPoint fixedPoint() {
        return fixedPoint;
    }

    public int fracBits() {
        return fixedPoint.fracBits();
    }

    /**
     * Who sees the loss: in private-loss mode the mode's (agreed) visibility; in label-owner mode this party's setting
     * (the data owner's decides).
     */
    public LossVisibility lossVisibility() {
        return lossMode != null && lossMode.isPrivate() ? lossMode.privateVisibility() : lossVisibility;
    }

    /** The loss mode both parties chose; null for the insecure reference if none was set (label-owner semantics). */
    public LossMode lossMode() {
        return lossMode;
    }

    @Override
    public boolean privateLoss() {
        return lossMode != null && lossMode.isPrivate();
    }

    @Override
    public int[] scoreReceivers() {
        if (!privateLoss()) {
            return SecureLayerContext.super.scoreReceivers();
        }
        LossVisibility v = lossMode.privateVisibility();
        return java.util.stream.IntStream.of(0, 1).filter(v::includes).toArray();
    }

    /**
     * The non-linear protocols of this party's {@link TwoPartyBackend} (also behind decorators); null for the
     * insecure reference or a backend of another kind.
     */
    public NonlinearSettings nonlinear() {
        TwoPartyBackend b = ForwardingBackend.find(backend, TwoPartyBackend.class);
        return b == null ? null : b.nonlinear();
    }

    /**
     * The leakage this party accepted with label-owner loss mode; null in private-loss mode and for the insecure
     * reference if not set.
     */
    public LabelOwnerLeakage labelOwnerLeakage() {
        return lossMode == null ? null : lossMode.labelOwnerLeakage();
    }

    /**
     * The configuration hash this context's session must have been opened with (what
     * {@link Builder#configHash} returned for the same settings); {@link SecureTrain#attach} checks it.
     */
    public byte[] configHash(MultiLayerConfiguration conf) {
        NonlinearSettings nl = nonlinear();
        TwoPartyBackend tpb = ForwardingBackend.find(backend, TwoPartyBackend.class);
        return SecureConfigurations.sessionHash(conf, fracBits(), lossMode, debugRevealWeights,
                nl != null ? nl : NonlinearSettings.defaults(), backend instanceof RangeCheckedBackend,
                tpb != null ? tpb.he().params() : HeParameters.standard());
    }

    /** {@link #configHash(MultiLayerConfiguration)} of a graph. */
    public byte[] configHash(ComputationGraphConfiguration conf) {
        NonlinearSettings nl = nonlinear();
        TwoPartyBackend tpb = ForwardingBackend.find(backend, TwoPartyBackend.class);
        return SecureGraphConfigurations.sessionHash(conf, fracBits(), lossMode, debugRevealWeights,
                nl != null ? nl : NonlinearSettings.defaults(), backend instanceof RangeCheckedBackend,
                tpb != null ? tpb.he().params() : HeParameters.standard());
    }

    /** True for the insecure single-process reference. */
    public boolean isInsecureReference() {
        return backend.isInsecureReference();
    }

    /** Whether this context acts for {@code r} (the reference acts for both). */
    public boolean actsFor(Role r) {
        return backend.actsFor(r.id());
    }

    /** Whether this party holds the training data (the data owner, or the reference). */
    public boolean isDataOwner() {
        return actsFor(Role.DATA_OWNER);
    }

    /**
     * The iterator to hand to {@code fit} / {@code evaluate} at this party. The data owner passes its real
     * iterator: each batch's features become its share (0 at the model owner, X at the data owner) as a LONG
     * array of fixed-point values, labels stay with it, and the batch shapes and end of each epoch are sent
     * to the model owner. The model owner passes null and gets zero features and dummy labels of the same
     * shapes. Both parties must create their shared iterators in the same order (each gets its own channel).
     */
    public DataSetIterator sharedIterator(DataSetIterator dataOwnersIteratorOrNull) {
        requireDataOnlyAtDataOwner(dataOwnersIteratorOrNull);
        return new SharedDataSetIterator(this, dataOwnersIteratorOrNull, nextDataChannel());
    }

    /**
     * {@link #sharedIterator(DataSetIterator)} for a {@code ComputationGraph} with several inputs or outputs: the data
     * owner passes its {@link MultiDataSetIterator} (every feature array, one per network input, becomes its share;
     * every label array, one per output, stays with it), the model owner null (it gets zero arrays of the announced
     * shapes). Shares the creation order (and channel numbering) with {@link #sharedIterator(DataSetIterator)}. (Its own
     * name: {@code sharedIterator(null)} at the model owner must stay unambiguous.)
     */
    public MultiDataSetIterator sharedMultiIterator(MultiDataSetIterator dataOwnersIteratorOrNull) {
        requireDataOnlyAtDataOwner(dataOwnersIteratorOrNull);
        return new SharedMultiDataSetIterator(this, dataOwnersIteratorOrNull, nextDataChannel());
    }

    private void requireDataOnlyAtDataOwner(Object dataOwnersIteratorOrNull) {
        boolean dataOwner = isDataOwner();
        if (dataOwner && dataOwnersIteratorOrNull == null) {
            throw new IllegalArgumentException("the data owner must pass its data iterator");
        }
        if (!dataOwner && dataOwnersIteratorOrNull != null) {
            throw new IllegalArgumentException("the model owner holds no training data: pass null "
                    + "(it receives the batch shapes from the data owner)");
        }
    }

    private Channel nextDataChannel() {
        String name = DATA_CHANNEL_PREFIX + iterators.getAndIncrement();
        return session == null ? null : session.channel(name);
    }

    @Override
    public double exchangeScore(double lossAtDataOwner) {
        if (session == null || privateLoss()) {
            return lossAtDataOwner; // the reference is both parties; private mode opened the loss to its receivers
        }
        Channel ch = session.channel(SCORE_CHANNEL);
        try (TrafficStats.Scope s = ch.step("dl4j.score")) {
            if (role == Role.DATA_OWNER) {
                double sent = lossVisibility == LossVisibility.BOTH_PARTIES ? lossAtDataOwner : Double.NaN;
                ch.sendLong(Double.doubleToRawLongBits(sent));
                return lossAtDataOwner;
            }
            return Double.longBitsToDouble(ch.receiveLong());
        }
    }

    /**
     * The session's joint seed, derived at the first call (both parties make it at the same point of DL4J's flow):
     * each party sends 32 bytes from {@link java.security.SecureRandom}, the seed is SHA-256 of a domain tag and both
     * contributions in role order. Public to both parties and, since each contributed fresh randomness, chosen by
     * neither alone; it depends on no private value (semi-honest parties: docs/security/dl4j.md). The insecure
     * reference draws it locally (or takes {@link Builder#jointSeedForTests}).
     */
    @Override
    public synchronized byte[] jointSeed() {
        if (jointSeed == null) {
            byte[] mine = new byte[32];
            new java.security.SecureRandom().nextBytes(mine);
            if (session == null) {
                jointSeed = mine;
            } else {
                Channel ch = session.channel(SEED_CHANNEL);
                byte[] peer;
                try (TrafficStats.Scope s = ch.step("dl4j.joint-seed")) {
                    ch.send(mine);
                    peer = ch.receive();
                }
                if (peer.length != mine.length) {
                    throw new IllegalStateException("the peer's joint-seed contribution has " + peer.length
                            + " bytes, expected " + mine.length);
                }
                try {
                    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
                    md.update(SEED_DOMAIN);
                    md.update(role == Role.MODEL_OWNER ? mine : peer);
                    md.update(role == Role.MODEL_OWNER ? peer : mine);
                    jointSeed = md.digest();
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException("SHA-256 is not available", e);
                }
            }
        }
        return jointSeed.clone();
    }

    /**
     * The data owner's check of the features of network input {@code input} before sharing (set from the attached
     * network's layer that reads that input; whole examples when no layer reads it directly).
     */
    InputRange inputRange(int input) {
        List<InputRange> r = inputRanges;
        return input < r.size() ? r.get(input) : InputRange.WHOLE_EXAMPLE;
    }

    /** One range per network input, in the network's input order. */
    void inputRanges(List<InputRange> perInput) {
        this.inputRanges = List.copyOf(perInput);
    }

    @Override
    public void verifyRange(String where) {
        if (backend instanceof RangeCheckedBackend r) {
            r.verify(RANGE_ID, where);
        }
    }

    private static final org.securetrain.runtime.ProtocolId RANGE_ID = org.securetrain.runtime.ProtocolId.parse("dl4j");

    @Override
    public StepUpdates stepUpdates() {
        return stepUpdates;
    }

    @Override
    public boolean debugRevealWeights() {
        return debugRevealWeights;
    }

    @Override
    public void failed(String where, RuntimeException cause) {
        if (session == null || cause instanceof SessionException || !session.isOpen()) {
            return; // nothing to tell, or the session already failed and the peer knows
        }
        // the peer learns where and what kind of failure, not the message: messages may quote private values
        AbortReason reason = AbortReason.failure(where, cause);
        log.error("party {} failed in {} ({}); ending the session so the peer stops too", role, where,
                cause.getMessage(), cause);
        session.abort(reason);
    }

    /**
     * Releases the backend if this context built it with the factory (an explicitly given backend belongs to
     * the caller) and ends the session's computation scope. The session is the caller's and stays open.
     */
    @Override
    public void close() {
        if (computing != null) {
            computing.close();
        }
        if (ownsBackend && backend instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing the backend failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "SecurePartyContext{" + (isInsecureReference() ? "INSECURE plaintext reference" : "role=" + role)
                + ", f=" + fracBits() + ", loss=" + lossVisibility()
                + (lossMode != null ? ", loss mode " + lossMode : "")
                + (debugRevealWeights ? ", DEBUG reveal" : "") + "}";
    }

    private static final String NO_LOSS_MODE = "choose the loss mode at both parties: labelOwnerLoss("
            + "LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS) (the data owner sees the exact logits of every batch; "
            + "docs/SECURITY.md), or privateLoss(LossVisibility) (softmax and cross-entropy on shares; the loss value "
            + "only to the parties named)";

    public static final class Builder {
        private Role role;
        private Session session;
        private Integer fracBits;
        private Backend backend;
        private Function<Session, Backend> backendFactory;
        private boolean insecureReference;
        private Backend referenceBackend;
        private LossVisibility lossVisibility = LossVisibility.DATA_OWNER_ONLY;
        private boolean lossVisibilityGiven;
        private LabelOwnerLeakage labelOwnerLeakage;
        private LossVisibility privateLoss;
        private boolean debugRevealWeights;
        private NonlinearSettings nonlinear;
        private boolean rangeChecks = true;
        private HeParameters heParams = HeParameters.standard();

        private Builder() {
        }

        /**
         * Statistical security of the whole run: {@code runBits} (default 40) over at most
         * {@code plannedCrossTerms} HE cross terms in the session (default
         * {@link HeParameters#DEFAULT_PLANNED_CROSS_TERMS}; a training step of the MLP 784-128-128-10 runs 14, so
         * plan epochs x steps per epoch x cross terms per step, plus the evaluation's). Each cross term is flooded
         * at runBits + ceil(log2 plannedCrossTerms) bits (union bound, docs/security/he.md), products are blocked
         * to fit that flooding (or refused when they cannot), and the session refuses the cross term after the
         * planned ones. Part of {@link #configHash}: both parties must choose alike.
         */
        public Builder statisticalSecurity(int runBits, long plannedCrossTerms) {
            this.heParams = heParams.withRunStatisticalSecurity(runBits, plannedCrossTerms);
            return this;
        }

        /**
         * The link bandwidth, in bits per second, the HE products are blocked for (default
         * {@link HeParameters#DEFAULT_PLANNING_BITS_PER_SECOND}, 100 Mbit/s): a slower link gets blockings with fewer
         * bytes and more local work, a faster one the reverse; results and security are the same. Part of
         * {@link #configHash}: both parties must choose alike.
         */
        public Builder hePlanningBandwidth(long bitsPerSecond) {
            this.heParams = heParams.withPlanningBandwidth(bitsPerSecond);
            return this;
        }

        /** This party's role; defaults to the session's role (and must agree with it). */
        public Builder role(Role role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        /** The handshaken session with the peer (its config hash must come from {@link SecureTrain#configHash}). */
        public Builder session(Session session) {
            this.session = Objects.requireNonNull(session, "session");
            return this;
        }

        /** Fixed-point fractional bits; must equal the backend's. */
        public Builder fracBits(int fracBits) {
            FixedPoint.of(fracBits); // range check
            this.fracBits = fracBits;
            return this;
        }

        /**
         * The non-linear protocols (ReLU, max-pool, truncation, bit times share): {@link NonlinearEngine#OT}
         * (the default) or {@link NonlinearEngine#GC}. Used when the context builds the backend; an explicit
         * backend must run the same settings. Both parties must choose alike (see the class comment).
         */
        public Builder nonlinear(NonlinearSettings settings) {
            this.nonlinear = Objects.requireNonNull(settings, "nonlinear settings");
            return this;
        }

        /** {@link #nonlinear(NonlinearSettings)} with the engine's default settings. */
        public Builder nonlinear(NonlinearEngine engine) {
            return nonlinear(NonlinearSettings.of(Objects.requireNonNull(engine, "engine")));
        }

        /** An explicit two-party backend acting for this party. */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** A factory building the two-party backend from the session (called once, in {@link #build()}). */
        public Builder backend(Function<Session, Backend> factory) {
            this.backendFactory = Objects.requireNonNull(factory, "backend factory");
            return this;
        }

        /**
         * Set by the data owner: whether the model owner sees the loss values. The model owner's value is
         * ignored (see {@link LossVisibility}).
         */
        public Builder lossVisibility(LossVisibility v) {
            this.lossVisibility = Objects.requireNonNull(v, "lossVisibility");
            this.lossVisibilityGiven = true;
            return this;
        }

        /**
         * Private-loss mode (DESIGN.md 4.6): softmax and cross-entropy of the output layer on shares, so that nobody sees
         * the logits; the loss value (DL4J's score, with the regularisation terms) is opened only to the parties
         * {@code whoSeesTheLoss} names, NaN elsewhere. Both parties must choose it alike, visibility included: it is in
         * {@link #configHash} and the configuration summary. Only softmax output layers with {@code LossMCXENT} or
         * {@code LossNegativeLogLikelihood} (no weights) and f &lt;= 24 can run this way; others are refused before
         * training with every reason. Excludes {@link #labelOwnerLoss} and {@link #lossVisibility}.
         */
        public Builder privateLoss(LossVisibility whoSeesTheLoss) {
            this.privateLoss = Objects.requireNonNull(whoSeesTheLoss, "who sees the loss");
            return this;
        }

        /** The loss mode chosen (null if none), after checking that the choices fit together. */
        private LossMode chosenLossMode() {
            if (privateLoss != null && labelOwnerLeakage != null) {
                throw new IllegalStateException("choose one loss mode: labelOwnerLoss(" + labelOwnerLeakage
                        + ") and privateLoss(" + privateLoss + ") were both given");
            }
            if (privateLoss != null) {
                if (lossVisibilityGiven && lossVisibility != privateLoss) {
                    throw new IllegalStateException("in private-loss mode who sees the loss is part of the mode, "
                            + "privateLoss(" + privateLoss + "); lossVisibility(" + lossVisibility + ") contradicts it");
                }
                return LossMode.privateLoss(privateLoss);
            }
            if (lossVisibility == LossVisibility.MODEL_OWNER_ONLY || lossVisibility == LossVisibility.NONE) {
                throw new IllegalStateException("lossVisibility(" + lossVisibility + ") needs private-loss mode "
                        + "(privateLoss(" + lossVisibility + ")): in label-owner mode the data owner computes the loss "
                        + "and always sees it");
            }
            return labelOwnerLeakage == null ? null : LossMode.labelOwner(labelOwnerLeakage);
        }

        /**
         * Label-owner loss mode (DESIGN.md 4.6; the other mode is {@link #privateLoss}): the data owner
         * receives the exact logits and computes softmax, loss and gradient in the clear. One of the two modes is required
         * of both parties in a two-party context; this one with the leakage named: {@code labelOwnerLoss(DATA_OWNER_SEES_EXACT_LOGITS)}. It
         * is in {@link #configHash}, so both parties agree to it at the handshake. Networks whose logits are an
         * affine function of the data owner's input are refused in this mode (see {@link LabelOwnerLeakage}).
         */
        public Builder labelOwnerLoss(LabelOwnerLeakage accepted) {
            this.labelOwnerLeakage = Objects.requireNonNull(accepted, "the accepted leakage");
            return this;
        }

        /**
         * INSECURE debugging aid: reveal the weights to both parties after every update and show them in
         * DL4J's parameter view (UI, {@code params()}). Reveals the model to the data owner. It is part of
         * {@link #configHash}: a session opened without it at both parties refuses a context with it (at attach),
         * and parties that differ fail at the handshake, so it never runs unless both parties chose it.
         */
        public Builder insecureDebugRevealWeights() {
            this.debugRevealWeights = true;
            return this;
        }

        /**
         * The hash both parties' session options must carry ({@code SessionOptions.Builder.configHash}): the
         * configuration, the fixed-point precision, the loss mode with its accepted leakage, the debug reveal, the
         * non-linear protocols ({@link #nonlinear}, default {@link NonlinearSettings#defaults()}) and the range
         * guard ({@link #rangeChecks}), so that parties that differ in any of them fail at the handshake. Set {@link #fracBits} and
         * {@link #labelOwnerLoss} first. Refuses (like {@link SecureTrain#attach}) a configuration that cannot run
         * in the chosen mode.
         */
        public byte[] configHash(MultiLayerConfiguration conf) {
            requireHashedSettings();
            return SecureConfigurations.sessionHash(conf, fracBits, chosenLossMode(), debugRevealWeights,
                    nonlinear != null ? nonlinear : NonlinearSettings.defaults(), rangeChecks, heParams);
        }

        /** {@link #configHash(MultiLayerConfiguration)} of a graph. */
        public byte[] configHash(ComputationGraphConfiguration conf) {
            requireHashedSettings();
            return SecureGraphConfigurations.sessionHash(conf, fracBits, chosenLossMode(), debugRevealWeights,
                    nonlinear != null ? nonlinear : NonlinearSettings.defaults(), rangeChecks, heParams);
        }

        private void requireHashedSettings() {
            if (fracBits == null) {
                throw new IllegalStateException("set fracBits before computing the configuration hash");
            }
            if (chosenLossMode() == null) {
                throw new IllegalStateException(NO_LOSS_MODE);
            }
        }

        /**
         * INSECURE. Selects the single-process plaintext reference backend: one network plays both parties
         * with identical fixed-point semantics and no session. For tests and accuracy baselines only.
         */
        public Builder insecurePlaintextReferenceForTests() {
            this.insecureReference = true;
            return this;
        }

        /**
         * INSECURE. As {@link #insecurePlaintextReferenceForTests()}, with a given reference backend, e.g. the
         * plaintext reference wrapped to count or audit values (the parity harness counts pre-truncation
         * magnitudes this way). It must itself be an insecure reference acting for both parties; its
         * fixed-point precision is the context's.
         */
        public Builder insecurePlaintextReferenceForTests(Backend reference) {
            Objects.requireNonNull(reference, "reference backend");
            if (!(ForwardingBackend.innermost(reference) instanceof InsecurePlaintextBackend)) {
                throw new IllegalArgumentException("not a single-process plaintext reference backend: " + reference);
            }
            this.insecureReference = true;
            this.referenceBackend = reference;
            return this;
        }

        /**
         * Whether every value entering a truncation is checked against the safe range and the run stops when one
         * left it ({@link RangeCheckedBackend}; default true). Off saves two comparisons and two multiplexers per
         * truncated value, at the risk of silent wrong numbers when values grow out of range. Both parties must set
         * it alike (it changes the protocol calls).
         */
        public Builder rangeChecks(boolean on) {
            this.rangeChecks = on;
            return this;
        }

        /**
         * TEST ONLY: the joint seed of the insecure reference (so that a plaintext DL4J network can be given the same
         * dropout masks); a two-party context always derives it with the peer.
         */
        public Builder jointSeedForTests(byte[] seed) {
            this.testSeed = seed.clone();
            return this;
        }

        private byte[] testSeed;

        public SecurePartyContext build() {
            if (testSeed != null && !insecureReference) {
                throw new IllegalStateException("jointSeedForTests is for the insecure reference only");
            }
            if (insecureReference) {
                if (session != null || backend != null || backendFactory != null || role != null) {
                    throw new IllegalStateException("the insecure plaintext reference acts for both parties in one "
                            + "process: it takes no session, role or other backend");
                }
                if (fracBits == null) {
                    fracBits = referenceBackend == null ? null : referenceBackend.fixedPoint().fracBits();
                }
                if (fracBits == null) {
                    throw new IllegalStateException("set fracBits for the plaintext reference");
                }
                if (referenceBackend != null && referenceBackend.fixedPoint().fracBits() != fracBits) {
                    throw new IllegalStateException("fracBits " + fracBits + " disagrees with the reference backend's "
                            + referenceBackend.fixedPoint().fracBits());
                }
                log.warn("INSECURE: SecurePartyContext uses the plaintext reference backend (both parties in one "
                        + "process, every value in the clear). For tests only; it protects nothing.");
                Backend ref = referenceBackend != null ? referenceBackend
                        : new InsecurePlaintextBackend(FixedPoint.of(fracBits));
                SecurePartyContext c = new SecurePartyContext(null, null, rangeChecks ? new RangeCheckedBackend(ref) : ref,
                        lossVisibility, chosenLossMode(), debugRevealWeights, false, null);
                c.jointSeed = testSeed;
                return c;
            }
            if (session == null) {
                throw new IllegalStateException("a two-party context needs the session with the peer "
                        + "(or, in tests only, insecurePlaintextReferenceForTests())");
            }
            if (role != null && role != session.role()) {
                throw new IllegalStateException("role " + role + " disagrees with the session's role " + session.role());
            }
            Role r = session.role();
            if (backend != null && backendFactory != null) {
                throw new IllegalStateException("give at most one of backend(Backend) or backend(Function<Session, Backend>)");
            }
            LossMode mode = chosenLossMode();
            if (mode == null) {
                throw new IllegalStateException(NO_LOSS_MODE);
            }
            boolean builtHere = backend == null && backendFactory == null;
            // secure computation starts with the backend's set-up: the peer may work long between two messages
            Session.Computation computing = session.computing();
            Backend be;
            try {
                be = backend != null ? backend : builtHere
                        ? TwoPartyBackend.open(session,
                                FixedPoint.of(fracBits != null ? fracBits : FixedPoint.DEFAULT_FRAC_BITS),
                                nonlinear != null ? nonlinear : NonlinearSettings.defaults(), heParams)
                        : backendFactory.apply(session);
                if (be == null) {
                    throw new IllegalStateException("the backend factory returned null");
                }
            } catch (RuntimeException | Error e) {
                computing.close();
                throw e;
            }
            try {
                // verified by type (Backend is sealed), not by a flag the backend reports about itself
                Backend core = ForwardingBackend.innermost(be);
                if (core instanceof InsecurePlaintextBackend) {
                    throw new IllegalStateException("the insecure plaintext reference backend cannot run in a two-party "
                            + "session: it would compute on this party's share alone and protects nothing");
                }
                if (!(core instanceof TwoPartyBackend tpb) || tpb.session() != session) {
                    throw new IllegalStateException("a two-party context runs only a TwoPartyBackend over its own "
                            + "session (optionally behind ForwardingBackend decorators); got " + be.getClass().getName()
                            + " over " + (core instanceof TwoPartyBackend ? "another session" : core.getClass().getName()));
                }
                if (!be.actsFor(r.id()) || be.actsFor(r.peer().id())) {
                    throw new IllegalStateException("the backend must act for this party (" + r + ") and only for it");
                }
                if (fracBits != null && fracBits != be.fixedPoint().fracBits()) {
                    throw new IllegalStateException("fracBits " + fracBits + " disagrees with the backend's "
                            + be.fixedPoint().fracBits());
                }
                if (nonlinear != null && !nonlinear.equals(tpb.nonlinear())) {
                    throw new IllegalStateException("non-linear settings " + nonlinear.configString()
                            + " disagree with the backend's " + tpb.nonlinear().configString());
                }
                if (!heParams.equals(tpb.he().params())) {
                    throw new IllegalStateException("HE parameters (" + SecureConfigurations.statisticalSecurityField(
                            heParams) + ", " + SecureConfigurations.hePlanningField(heParams)
                            + ") disagree with the backend's " + tpb.he().params()
                            + " (give the backend TwoPartyBackend.open(..., HeParameters) with the same choice)");
                }
            } catch (RuntimeException e) {
                computing.close();
                throw e;
            }
            if (debugRevealWeights) {
                log.warn("INSECURE debug mode: weights are revealed to both parties after every update");
            }
            return new SecurePartyContext(r, session, rangeChecks ? new RangeCheckedBackend(be) : be, lossVisibility,
                    mode, debugRevealWeights, backend == null, computing);
        }
    }
}
