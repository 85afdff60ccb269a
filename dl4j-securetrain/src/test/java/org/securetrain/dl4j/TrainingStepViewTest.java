package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.learning.config.Sgd;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.view.ForbiddenWords;
import org.securetrain.runtime.view.ReceivedMessage;
import org.securetrain.runtime.view.View;
import org.securetrain.runtime.view.ViewAssert;
import org.securetrain.runtime.view.ViewRecorder;

/**
 * What the model owner receives during one secure training step of a small MLP (16-32-3, batch 16, the real
 * two-party backend), recorded over every stream from the context's set-up to the end of the step, for two
 * different data-owner data sets of the same shape: one with all-zero features and one class, one with random
 * blobs. The two views must be indistinguishable ({@link ViewAssert}: same schedule, same distributions, none of
 * the data owner's feature words), and nothing may arrive in a {@code reveal.*} step before the final reveal,
 * where the weights do arrive (so the check can fire). The negative control turns on the insecure debug reveal
 * (both parties, through the configuration hash), which the same check must catch.
 */
@Timeout(600)
class TrainingStepViewTest {
    static final int F = 24;
    static final int BATCH = 16;
    static final MultiLayerConfiguration CONF = TestConfs.mlp(new Sgd(0.1), 11);

    /** The model owner's view of training and, separately, of the final reveal. */
    record Seen(View training, View reveal) {
    }

    /** The terms both parties agree on; with the debug reveal, both chose it (it is in the configuration hash). */
    static SecurePartyContext.Builder terms(boolean debugReveal) {
        SecurePartyContext.Builder b = TwoPartyHarness.terms(F);
        return debugReveal ? b.insecureDebugRevealWeights() : b;
    }

    static Seen modelOwnersView(ToyBlobs data, boolean debugReveal) {
        byte[] hash = terms(debugReveal).configHash(CONF);
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).configHash(hash).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(hash).build())) {
            ViewRecorder rec = new ViewRecorder(pair.party(0));
            var r = TwoPartyRunner.run(pair.party(0), s -> party(rec, null, debugReveal),
                    pair.party(1), s -> party(s, data, debugReveal));
            return r.party0();
        }
    }

    static Seen party(Session s, ToyBlobs dataOrNull, boolean debugReveal) {
        try (SecurePartyContext ctx = terms(debugReveal).session(s).backend(TwoPartyHarness.backendFactory(F)).build()) {
            MultiLayerNetwork net = SecureTrain.attach(CONF, ctx);
            net.fit(ctx.sharedIterator(dataOrNull == null ? null : dataOrNull.iterator(BATCH)), 1);
            if (!(s instanceof ViewRecorder rec)) {
                SecureTrain.reveal(net, ctx);
                return null;
            }
            View training = rec.view();
            rec.reset();
            SecureTrain.reveal(net, ctx);
            return new Seen(training, rec.view());
        }
    }

    /** The data owner's features as the fixed-point words its share holds. */
    static ForbiddenWords features(ToyBlobs data) {
        FixedPoint fp = FixedPoint.of(F);
        long[] words = new long[data.x.length * data.dim];
        for (int i = 0; i < data.x.length; i++) {
            long[] row = fp.encode(data.x[i]);
            System.arraycopy(row, 0, words, i * data.dim, data.dim);
        }
        return ForbiddenWords.of("the data owner's features", words);
    }

    static void assertNoRevealBeforeTheEnd(Seen seen, String what) {
        List<ReceivedMessage> early = new java.util.ArrayList<>(seen.training().inStep("reveal."));
        // the range guard's agreed leakage (docs/security/dl4j.md): one opened bit per check, nothing else
        for (ReceivedMessage m : seen.training().inStep("reveal.dl4j.range.")) {
            assertEquals(1, m.length(), what + ": a range-guard opening carries one word: " + m);
            early.remove(m);
        }
        assertTrue(early.isEmpty(), what + ": the model owner received " + early.size() + " messages in reveal steps "
                + "during training, first " + (early.isEmpty() ? "" : early.get(0)));
    }

    @Test
    void theModelOwnerSeesNothingOfTheDataBeforeTheFinalReveal() {
        ToyBlobs zeros = new ToyBlobs(BATCH, 16, 3, 1, 0.0);
        for (double[] row : zeros.x) {
            java.util.Arrays.fill(row, 0.0);
        }
        java.util.Arrays.fill(zeros.y, 0);
        ToyBlobs blobs = new ToyBlobs(BATCH, 16, 3, 7, 2.0);
        Seen a = modelOwnersView(zeros, false);
        Seen b = modelOwnersView(blobs, false);
        System.out.println("the model owner's view of one training step:\n" + b.training().summary());
        ViewAssert.assertIndistinguishable(a.training(), features(zeros), b.training(), features(blobs),
                "one training step, the model owner's view");
        assertNoRevealBeforeTheEnd(a, "run A");
        assertNoRevealBeforeTheEnd(b, "run B");
        // the final reveal is where the weights arrive: 16x32 + 32 + 32x3 + 3 words in reveal steps
        long words = 0;
        for (ReceivedMessage m : b.reveal().inStep("reveal.")) {
            words += m.length();
        }
        assertEquals(16 * 32 + 32 + 32 * 3 + 3, words, "weights and biases revealed at the end");
    }

    @Test
    void theDebugRevealIsCaughtAsRevealTrafficDuringTraining() {
        Seen seen = modelOwnersView(new ToyBlobs(BATCH, 16, 3, 7, 2.0), true);
        assertFalse(seen.training().inStep("reveal.").isEmpty(), "the insecure debug reveal shows during training");
        ViewAssert.assertLeakCaught(() -> {
            try {
                assertNoRevealBeforeTheEnd(seen, "debug reveal");
            } catch (AssertionError e) {
                throw new org.opentest4j.AssertionFailedError(e.getMessage());
            }
        }, "insecure debug reveal");
    }
}
