package org.securetrain.launcher;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.data.FashionMnist;
import org.securetrain.dl4j.LabelOwnerLeakage;
import org.securetrain.dl4j.LossMode;
import org.securetrain.dl4j.LossVisibility;
import org.securetrain.runtime.HandshakeException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.link.LinkProfile;

/** {@link PartyTraining} in private-loss mode: a run, and parties that chose different loss modes. */
@Timeout(300)
class PrivateLossTrainingTest {
    static SessionOptions options(Role r, LossMode mode) {
        return PartyTraining.sessionOptions(r, ModelConfiguration.of(Models.mlp(8, 0.01, 42)), 24, mode,
                NonlinearSettings.defaults(), HeParameters.standard(), LinkProfile.LOOPBACK);
    }

    @Test
    void partiesThatChoseDifferentLossModesFailAtTheHandshakeNamingBothChoices() {
        HandshakeException e = assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                options(Role.MODEL_OWNER, LossMode.privateLoss(LossVisibility.BOTH_PARTIES)),
                options(Role.DATA_OWNER, LossMode.labelOwner(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS))));
        assertTrue(e.getMessage().contains("lossMode (this party private (loss to BOTH_PARTIES), peer label-owner "
                + "(DATA_OWNER_SEES_EXACT_LOGITS))"), e.getMessage());
        e = assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                options(Role.MODEL_OWNER, LossMode.privateLoss(LossVisibility.NONE)),
                options(Role.DATA_OWNER, LossMode.privateLoss(LossVisibility.DATA_OWNER_ONLY))));
        assertTrue(e.getMessage().contains("lossMode (this party private (loss to NONE), peer private (loss to "
                + "DATA_OWNER_ONLY))"), e.getMessage());
    }

    @Test
    void aPrivateLossRunTrainsAndRevealsTheModelToTheModelOwner() {
        var conf = Models.mlp(8, 0.01, 42);
        var train = FashionMnist.bundled(FashionMnist.Split.TRAIN, 32);
        var test = FashionMnist.bundled(FashionMnist.Split.TEST, 32);
        LossMode mode = LossMode.privateLoss(LossVisibility.DATA_OWNER_ONLY);
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(options(Role.MODEL_OWNER, mode),
                options(Role.DATA_OWNER, mode))) {
            var r = TwoPartyRunner.run(
                    pair.party(0), s -> PartyTraining.spec(conf).lossMode(mode).fracBits(24).batch(16).run(s),
                    pair.party(1), s -> PartyTraining.spec(conf).lossMode(mode).fracBits(24).batch(16).train(train)
                            .test(test).run(s));
            assertNotNull(r.party0().revealedOrNull(), "the model owner gets the trained model");
            assertEquals(2, r.party0().steps());
            assertNull(r.party1().revealedOrNull());
            System.out.println(r.party0().summary());
            System.out.println(r.party1().summary());
        }
    }
}
