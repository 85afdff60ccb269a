package org.securetrain.dl4j;

import java.util.List;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.securetrain.backend.Backend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Runs the user's program at both parties in one JVM over the in-memory transport: attach, fit on the
 * shared iterator, evaluate, reveal to the model owner.
 */
final class TwoPartyHarness {
    private TwoPartyHarness() {
    }

    /** The secure two-party backend (HE products, garbled ReLU/max, OT truncation and bit-times-share). */
    static Function<Session, Backend> backendFactory(int fracBits) {
        return s -> TwoPartyBackend.open(s, FixedPoint.of(fracBits));
    }

    /**
     * What both parties agree on in these tests: precision f and label-owner loss mode with its leakage accepted
     * (add the session, backend and loss visibility per party).
     */
    static SecurePartyContext.Builder terms(int f) {
        return SecurePartyContext.builder().fracBits(f).labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS);
    }

    /**
     * The real backend behind a decorator that checks, on every product, that an operand declared zero at this
     * party (e.g. the model owner's share of the data owner's features, (0, X)) really is zero here: a wrong
     * declaration would make the product skip a cross term.
     */
    static Function<Session, Backend> shareKindCheckingFactory(int fracBits) {
        return s -> new ShareKindCheck(TwoPartyBackend.open(s, FixedPoint.of(fracBits)), s.party());
    }

    /** See {@link #shareKindCheckingFactory}. */
    static final class ShareKindCheck extends org.securetrain.backend.ForwardingBackend {
        private final int me;

        ShareKindCheck(Backend inner, int me) {
            super(inner);
            this.me = me;
        }

        @Override
        protected void onMultiply(org.securetrain.backend.Operand a, org.securetrain.backend.Operand b, int m, int k,
                int n, org.securetrain.runtime.ProtocolId id, long[] result) {
            for (org.securetrain.backend.Operand o : new org.securetrain.backend.Operand[] {a, b}) {
                if (o.kind().isZeroAt(me)) {
                    for (long v : o.share()) {
                        if (v != 0) {
                            throw new IllegalStateException(id + ": operand declared " + o.kind() + " but party " + me
                                    + "'s share is not zero");
                        }
                    }
                }
            }
        }
    }

    record PartyResult(List<Double> scores, Evaluation evaluation, MultiLayerNetwork revealed, TrafficStats.Snapshot traffic) {
    }

    record Result(PartyResult modelOwner, PartyResult dataOwner) {
    }

    /** Both parties' sessions on the hash of {@code conf} under the same {@code terms}. */
    static InMemoryTransport.Pair sessions(MultiLayerConfiguration conf, SecurePartyContext.Builder terms) {
        byte[] hash = terms.configHash(conf);
        return InMemoryTransport.pair(SessionOptions.builder(Role.MODEL_OWNER).configHash(hash).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(hash).build());
    }

    static InMemoryTransport.Pair sessions(MultiLayerConfiguration conf0, MultiLayerConfiguration conf1, int f) {
        return InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).configHash(terms(f).configHash(conf0)).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(terms(f).configHash(conf1)).build());
    }

    static Result run(Function<Session, Backend> backends, MultiLayerConfiguration conf, int f, ToyBlobs data,
            int batch, int epochs, LossVisibility vis) {
        try (InMemoryTransport.Pair pair = sessions(conf, conf, f)) {
            TwoPartyRunner.Results<PartyResult, PartyResult> r = TwoPartyRunner.run(
                    pair.party(0), s -> party(s, backends, conf, f, null, batch, epochs, vis),
                    pair.party(1), s -> party(s, backends, conf, f, data, batch, epochs, vis));
            return new Result(r.party0(), r.party1());
        }
    }

    /**
     * {@link #run(Function, MultiLayerConfiguration, int, ToyBlobs, int, int, LossVisibility)} under other agreed
     * {@code terms} (e.g. private-loss mode): each party builds its context from a fresh {@code terms.get()}.
     */
    static Result run(Function<Session, Backend> backends, MultiLayerConfiguration conf,
            java.util.function.Supplier<SecurePartyContext.Builder> terms, ToyBlobs data, int batch, int epochs) {
        try (InMemoryTransport.Pair pair = sessions(conf, terms.get())) {
            TwoPartyRunner.Results<PartyResult, PartyResult> r = TwoPartyRunner.run(
                    pair.party(0), s -> party(s, terms.get().session(s).backend(backends), conf, null, batch, epochs),
                    pair.party(1), s -> party(s, terms.get().session(s).backend(backends), conf, data, batch, epochs));
            return new Result(r.party0(), r.party1());
        }
    }

    private static PartyResult party(Session s, SecurePartyContext.Builder b, MultiLayerConfiguration conf,
            ToyBlobs dataOrNull, int batch, int epochs) {
        try (SecurePartyContext ctx = b.build()) {
            return party(s, ctx, conf, dataOrNull, batch, epochs);
        }
    }

    /** One party's program: identical at both, except that only the data owner has data. */
    static PartyResult party(Session s, Function<Session, Backend> backends, MultiLayerConfiguration conf, int f,
            ToyBlobs dataOrNull, int batch, int epochs, LossVisibility vis) {
        try (SecurePartyContext ctx = terms(f)
                .session(s)
                .backend(backends)
                .lossVisibility(vis)
                .build()) {
            return party(s, ctx, conf, dataOrNull, batch, epochs);
        }
    }

    private static PartyResult party(Session s, SecurePartyContext ctx, MultiLayerConfiguration conf,
            ToyBlobs dataOrNull, int batch, int epochs) {
        MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
        ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
        net.setListeners(scores);
        net.fit(ctx.sharedIterator(dataOrNull == null ? null : dataOrNull.iterator(batch)), epochs);
        Evaluation eval = SecureTrain.evaluate(net, ctx, ctx.sharedIterator(dataOrNull == null ? null : dataOrNull.iterator(32)));
        MultiLayerNetwork revealed = SecureTrain.reveal(net, ctx);
        return new PartyResult(scores.scores, eval, revealed, s.traffic().snapshot());
    }
}
