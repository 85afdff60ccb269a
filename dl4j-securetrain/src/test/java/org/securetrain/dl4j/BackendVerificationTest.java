package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.learning.config.Sgd;
import org.securetrain.backend.Backend;
import org.securetrain.backend.ForwardingBackend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * A two-party context runs only what it can verify: a {@link TwoPartyBackend} over its own session, optionally
 * behind decorators. Everything that would compute on opened values is refused, whatever it says about itself.
 */
@Timeout(120)
class BackendVerificationTest {
    static final int F = 24;

    @Test
    void aDecoratedPlaintextReferenceIsRefusedWhateverItClaims() {
        // opens every value (it is the plaintext oracle) behind a decorator; isInsecureReference is final there
        Backend opensEverything = new ForwardingBackend(new InsecurePlaintextBackend(FixedPoint.of(F))) {
        };
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(TestConfs.mlp(new Sgd(0.1), 1),
                TestConfs.mlp(new Sgd(0.1), 1), F)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TwoPartyHarness.terms(F)
                    .session(pair.party(0)).backend(opensEverything).build());
            assertTrue(e.getMessage().contains("insecure plaintext reference"), e.getMessage());
            IllegalStateException f = assertThrows(IllegalStateException.class, () -> TwoPartyHarness.terms(F)
                    .session(pair.party(0)).backend(s -> opensEverything).build());
            assertTrue(f.getMessage().contains("insecure plaintext reference"), f.getMessage());
        }
    }

    @Test
    void aRealBackendOfAnotherSessionIsRefused() {
        try (InMemoryTransport.Pair other = TwoPartyHarness.sessions(TestConfs.mlp(new Sgd(0.1), 1),
                TestConfs.mlp(new Sgd(0.1), 1), F);
             InMemoryTransport.Pair pair = TwoPartyHarness.sessions(TestConfs.mlp(new Sgd(0.1), 1),
                     TestConfs.mlp(new Sgd(0.1), 1), F)) {
            var be = TwoPartyRunner.run(other.party(0), s -> TwoPartyBackend.open(s, FixedPoint.of(F)),
                    other.party(1), s -> TwoPartyBackend.open(s, FixedPoint.of(F)));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TwoPartyHarness.terms(F)
                    .session(pair.party(0)).backend(be.party0()).build());
            assertTrue(e.getMessage().contains("another session"), e.getMessage());
            // behind a decorator, the same
            IllegalStateException d = assertThrows(IllegalStateException.class, () -> TwoPartyHarness.terms(F)
                    .session(pair.party(0)).backend(new ForwardingBackend(be.party0()) {
                    }).build());
            assertTrue(d.getMessage().contains("another session"), d.getMessage());
        }
    }
}
