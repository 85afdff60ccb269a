package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.learning.config.Sgd;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.HandshakeException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * The run's statistical security is chosen on the context, bound into the configuration hash (both parties agree
 * at the handshake) and reaches the HE parameters of the backend the context builds.
 */
@Timeout(120)
class StatisticalSecurityContextTest {
    static final int F = 24;

    @Test
    void theRunsStatisticalSecurityIsInTheConfigurationHash() {
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.1), 1);
        byte[] std = TwoPartyHarness.terms(F).configHash(conf);
        assertArrayEquals(std, TwoPartyHarness.terms(F).statisticalSecurity(40, HeParameters.DEFAULT_PLANNED_CROSS_TERMS)
                .configHash(conf), "the default is 40 bits over the default plan");
        byte[] bits48 = TwoPartyHarness.terms(F).statisticalSecurity(48, HeParameters.DEFAULT_PLANNED_CROSS_TERMS)
                .configHash(conf);
        byte[] longerRun = TwoPartyHarness.terms(F).statisticalSecurity(40, 1L << 18).configHash(conf);
        assertFalse(Arrays.equals(std, bits48));
        assertFalse(Arrays.equals(std, longerRun));
        assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).configHash(std).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(bits48).build()).close());
        assertThrows(IllegalArgumentException.class, () -> TwoPartyHarness.terms(F).statisticalSecurity(12, 100));
    }

    @Test
    void theHePlanningBandwidthIsInTheConfigurationHashAndReachesTheBackend() {
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.1), 1);
        byte[] std = TwoPartyHarness.terms(F).configHash(conf);
        assertArrayEquals(std, TwoPartyHarness.terms(F).hePlanningBandwidth(HeParameters.DEFAULT_PLANNING_BITS_PER_SECOND)
                .configHash(conf), "the default plans for 100 Mbit/s");
        byte[] gigabit = TwoPartyHarness.terms(F).hePlanningBandwidth(1_000_000_000L).configHash(conf);
        assertFalse(Arrays.equals(std, gigabit));
        assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).configHash(std).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(gigabit).build()).close());
        assertThrows(IllegalArgumentException.class, () -> TwoPartyHarness.terms(F).hePlanningBandwidth(1000));
        SecurePartyContext.Builder terms = TwoPartyHarness.terms(F).hePlanningBandwidth(1_000_000_000L)
                .statisticalSecurity(44, 1L << 10);
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, terms)) {
            var r = TwoPartyRunner.run(
                    pair.party(0), s -> planned(s, conf), pair.party(1), s -> planned(s, conf));
            assertEquals("1000000000 bit/s, 54 bits per cross term, hash matches", r.party0());
            assertEquals(r.party0(), r.party1());
        }
    }

    private static String planned(Session s, MultiLayerConfiguration conf) {
        try (SecurePartyContext ctx = TwoPartyHarness.terms(F).hePlanningBandwidth(1_000_000_000L)
                .statisticalSecurity(44, 1L << 10).session(s).build()) {
            HeParameters he = ((TwoPartyBackend) org.securetrain.backend.ForwardingBackend.innermost(ctx.backend())).he()
                    .params();
            return he.planningBandwidth() + " bit/s, " + he.statisticalSecurity() + " bits per cross term, hash "
                    + (Arrays.equals(ctx.configHash(conf), s.options().configHash()) ? "matches" : "differs");
        }
    }

    @Test
    void theContextBuildsItsBackendWithTheChosenSecurityAndRefusesAnotherOne() {
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.1), 1);
        SecurePartyContext.Builder terms = TwoPartyHarness.terms(F).statisticalSecurity(44, 1L << 10);
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, terms)) {
            var r = TwoPartyRunner.run(pair.party(0), s -> build(s, conf, false), pair.party(1),
                    s -> build(s, conf, false));
            assertEquals("54 bits per cross term, 1024 planned, hash matches", r.party0());
            assertEquals(r.party0(), r.party1());
        }
        // an explicit backend opened with other HE parameters is refused, naming the statistical security
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, terms)) {
            var r = TwoPartyRunner.run(pair.party(0), s -> build(s, conf, true), pair.party(1),
                    s -> build(s, conf, true));
            for (Object o : new Object[] {r.party0(), r.party1()}) {
                IllegalStateException e = assertInstanceOf(IllegalStateException.class, o);
                assertTrue(e.getMessage().contains("statisticalSecurity=44 bits over 1024 HE cross terms"), e.getMessage());
            }
        }
    }

    private static Object build(Session s, MultiLayerConfiguration conf, boolean standardBackend) {
        SecurePartyContext.Builder b = TwoPartyHarness.terms(F).statisticalSecurity(44, 1L << 10).session(s);
        if (standardBackend) {
            b.backend(session -> TwoPartyBackend.open(session, FixedPoint.of(F)));
        }
        try (SecurePartyContext ctx = b.build()) {
            HeParameters he = ((TwoPartyBackend) org.securetrain.backend.ForwardingBackend.innermost(ctx.backend())).he()
                    .params();
            boolean matches = Arrays.equals(ctx.configHash(conf), s.options().configHash());
            return he.statisticalSecurity() + " bits per cross term, " + he.plannedCrossTerms() + " planned, hash "
                    + (matches ? "matches" : "differs");
        } catch (RuntimeException e) {
            return e;
        }
    }
}
