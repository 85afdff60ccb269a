package org.securetrain.backend;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.layermath.DenseKernel;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.AgreementException;
import org.securetrain.runtime.PeerAbortedException;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsListener;
import org.securetrain.runtime.tls.TlsSession;
import org.securetrain.runtime.tls.TlsTransport;

/**
 * A disagreement in each kind of two-party call of the backend, between two parties over TLS 1.3 on 127.0.0.1:
 * both fail promptly, each naming both views (the in-memory cases are in each protocol's own test). The
 * named-view cases run the GC engine, whose calls agree through {@code Channel.agree}; the OT engine's
 * protocols compare their run tags ({@code RunTag}) and are checked in {@link #otEngineRunTags()}.
 */
@Timeout(300)
class ProtocolAgreementTlsTest {
    static final FixedPoint FP = FixedPoint.of(FixedPoint.DEFAULT_FRAC_BITS);
    static final TlsIdentity ALICE = TlsIdentity.generate("model-owner");
    static final TlsIdentity BOB = TlsIdentity.generate("data-owner");

    static SessionOptions options(Role r, Duration probeDelay) {
        return SessionOptions.builder(r).sessionId("agree-tls").receiveTimeout(Duration.ofSeconds(90))
                .idleTimeout(Duration.ofSeconds(10)).agreementProbeDelay(probeDelay).build();
    }

    /** Both parties' calls on two-party backends over a fresh TLS session: each one's result or exception. */
    static Object[] overTls(BiFunction<Backend, Integer, Object> body) throws Exception {
        return overTls(body, Duration.ofMillis(300), NonlinearEngine.GC);
    }

    static Object[] overTls(BiFunction<Backend, Integer, Object> body, Duration probeDelay, NonlinearEngine engine)
            throws Exception {
        TlsSession s0;
        TlsSession s1;
        try (TlsListener l = TlsTransport.builder().options(options(Role.MODEL_OWNER, probeDelay)).identity(ALICE)
                .pinnedPeer(BOB.fingerprint()).listen(new InetSocketAddress("127.0.0.1", 0))) {
            CompletableFuture<TlsSession> accepted = CompletableFuture.supplyAsync(l::accept);
            s1 = TlsTransport.builder().options(options(Role.DATA_OWNER, probeDelay)).identity(BOB)
                    .pinnedPeer(ALICE.fingerprint())
                    .connect(new InetSocketAddress("127.0.0.1", l.port()));
            s0 = accepted.get(30, TimeUnit.SECONDS);
        }
        try (s0; s1) {
            var be = TwoPartyRunner.run(s0, s -> TwoPartyBackend.open(s, FP, engine), s1,
                    s -> TwoPartyBackend.open(s, FP, engine));
            long t0 = System.nanoTime();
            Object[] r = new Object[2];
            TwoPartyRunner.run(s0, s -> r[0] = attempt(body, be.party0(), 0), s1,
                    s -> r[1] = attempt(body, be.party1(), 1));
            assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "both fail promptly");
            return r;
        }
    }

    private static Object attempt(BiFunction<Backend, Integer, Object> body, Backend be, int party) {
        try {
            return body.apply(be, party);
        } catch (RuntimeException e) {
            return e;
        }
    }

    static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }

    @Test
    void truncationBits() throws Exception {
        Object[] r = overTls((be, p) -> be.truncate(new long[100], p == 0 ? 24 : 20, id("t")));
        OtTestPair.assertBothFailNamingBothViews(r, "truncates 100 values by 24 bits",
                "truncates 100 values by 20 bits");
    }

    @Test
    void productShapeThroughTheLayerMath() throws Exception {
        Object[] r = overTls((be, p) -> new DenseKernel("d", p == 0 ? 4 : 5, 3, true, new long[p == 0 ? 12 : 15],
                new long[3]).forward(be, new long[p == 0 ? 8 : 10], ShareKind.BOTH, 2));
        OtTestPair.assertBothFailNamingBothViews(r, "multiplies 2x4 (shared) by 4x3 (shared)",
                "multiplies 2x5 (shared) by 5x3 (shared)");
    }

    @Test
    void garbledReluLength() throws Exception {
        Object[] r = overTls((be, p) -> be.reluTruncate(new long[p == 0 ? 64 : 65], id("relu")));
        // two streams disagree at once: the garbled circuit's call and the OT of the evaluator's input labels (64
        // bits per element); which probe fires first at a party depends on timing, and either is a correct report
        // as long as the party names both views of the same call
        String[][] views = {{"evaluates 'relu-trunc/v1(w=64,f=24)'", "evaluates 'relu-trunc/v1(w=64,f=24)'"},
            {"runs block COT of 4096 OTs", "runs block COT of 4160 OTs"}};
        for (int p = 0; p < 2; p++) {
            assertTrue(r[p] instanceof org.securetrain.runtime.AgreementException, "party " + p + ": " + r[p]);
            String m = ((Throwable) r[p]).getMessage();
            boolean named = false;
            for (String[] v : views) {
                named |= m.contains("this party " + v[p]) && m.contains("the peer " + v[1 - p]);
            }
            assertTrue(named, "party " + p + " must name both views of one call: " + m);
            if (m.contains("relu-trunc")) {
                assertTrue(m.contains("over 64 elements") && m.contains("over 65 elements"), m);
            }
        }
    }

    @Test
    void bitTimesShareLength() throws Exception {
        Object[] r = overTls((be, p) -> be.bitTimesShare(new long[2], new long[p == 0 ? 100 : 90], id("bts")));
        OtTestPair.assertBothFailNamingBothViews(r, "multiplies 100 boolean-shared bits by arithmetic shares",
                "multiplies 90 boolean-shared bits by arithmetic shares");
    }

    @Test
    void maxPoolWindow() throws Exception {
        Object[] r = overTls((be, p) -> be.maxWithArgmax(new long[24], p == 0 ? 4 : 3, id("max")));
        OtTestPair.assertBothFailNamingBothViews(r, "evaluates 'maxpool/v1(w=64,k=4)'",
                "evaluates 'maxpool/v1(w=64,k=3)'");
    }

    @Test
    void revealBothReceiving() throws Exception {
        Object[] r = overTls((be, p) -> be.revealTo(p, new long[10], id("out")));
        OtTestPair.assertBothFailNamingBothViews(r, "reveals 10 values to party 0", "reveals 10 values to party 1");
    }

    @Test
    void otEngineRunTags() throws Exception {
        Object[] t = overTls((be, p) -> be.truncate(new long[100], p == 0 ? 24 : 20, id("t")), Duration.ofMillis(300),
                NonlinearEngine.OT);
        OtTestPair.assertBothFailNamingBothViews(t, "runs faithful truncation on n=100 (parameters 0x18)",
                "runs faithful truncation on n=100 (parameters 0x14)");
        Object[] r = overTls((be, p) -> be.reluTruncate(new long[p == 0 ? 64 : 65], id("relu")),
                Duration.ofMillis(300), NonlinearEngine.OT);
        // a stage run may find the mismatch at one party first: the other then fails with its abort, which
        // repeats the run tags (exchanged parameters)
        for (int p = 0; p < 2; p++) {
            RuntimeException e = assertInstanceOf(RuntimeException.class, r[p]);
            assertTrue(e instanceof AgreementException || e instanceof PeerAbortedException, e.toString());
            assertTrue(e.getMessage().contains("runs ReLU with truncation on n=64")
                    && e.getMessage().contains("runs ReLU with truncation on n=65"), e.getMessage());
        }
    }

    /** With probes out of the way (a long delay), agreed calls add no control message at all. */
    @Test
    void aSequenceOfAgreedCallsSendsNoControlMessage() throws Exception {
        Object[] r = overTls((be, p) -> {
            long[] x = be.truncate(new long[1000], 24, id("t"));
            be.reluTruncate(x, id("relu"));
            be.revealTo(1, x, id("out"));
            TwoPartyBackend tp = ForwardingBackend.find(be, TwoPartyBackend.class);
            return tp.session().traffic().snapshot().steps().containsKey("agreement");
        }, Duration.ofSeconds(80), NonlinearEngine.OT);
        assertEquals(Boolean.FALSE, r[0]);
        assertEquals(Boolean.FALSE, r[1]);
    }
}
