package org.securetrain.launcher;

import org.securetrain.dl4j.LabelOwnerLeakage;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.data.FashionMnist;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/** The end of a {@link PartyTraining} run when the parties finish at different times. */
@Timeout(60)
class PartyTrainingTest {
    /**
     * The data owner sends its last messages (evaluation flag, its weight shares for the reveal) and closes the
     * session while the model owner is still in DL4J's end-of-epoch callbacks: the model owner must still complete
     * with the revealed model (regression: it opened the evaluation stream only then and failed with "peer closed
     * the session").
     */
    @Test
    void slowModelOwnerFinishesAfterTheDataOwnerClosed() {
        var conf = Models.mlp(8, 0.01, 42);
        var train = FashionMnist.bundled(FashionMnist.Split.TRAIN, 32);
        var dataOwnerClosed = new CountDownLatch(1);
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(PartyTraining.sessionOptions(Role.MODEL_OWNER, conf, 24, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS),
                PartyTraining.sessionOptions(Role.DATA_OWNER, conf, 24, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS))) {
            var r = TwoPartyRunner.run(
                    pair.party(0), s -> PartyTraining.spec(conf).labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS).fracBits(24).batch(16).listener(new BaseTrainingListener() {
                        @Override
                        public void onEpochEnd(Model model) {
                            try { // the data owner reveals and closes meanwhile
                                assertTrue(dataOwnerClosed.await(30, TimeUnit.SECONDS), "the data owner closed");
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }).run(s),
                    pair.party(1), s -> {
                        try {
                            return PartyTraining.spec(conf).labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS).fracBits(24).batch(16).train(train).run(s);
                        } finally {
                            s.close();
                            dataOwnerClosed.countDown();
                        }
                    });
            assertNotNull(r.party0().revealedOrNull(), "the model owner gets the trained model");
            assertEquals(2, r.party0().steps());
            assertNull(r.party1().revealedOrNull());
        }
    }
}
