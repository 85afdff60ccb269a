package org.securetrain.protocols.nonlinear;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.crypto.ot.RecordingSession;
import org.securetrain.crypto.ot.ViewStats;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.crypto.ot.flavours.DealerCots;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Per protocol and per party: every message the party receives (stage headers removed) and its output
 * shares, recorded for two very different private inputs of the other party (zero vs random, or the
 * extremes), while its own input stays the same. Both views must be uniform bit by bit, distributed
 * alike, and their XOR uniform too (no fixed mask reused between runs). The protocols run on ideal
 * random COTs from a test dealer (IKNP's own views are OtViewTest's); the negative control runs the same
 * protocol on a broken COT source (constant choice bits and zero correlation), where the flips show
 * party 1's input to party 0 and the ring-COT corrections show party 0's input to party 1, and checks
 * that the test notices. (The chooser's view of the leaf tables, which a broken source does not change at
 * the message level, has its negative control in FlavoursTest.)
 */
@Timeout(300)
class ProtocolViewTest {
    static final int N = 1 << 14;
    /** Protocols whose view or output is one bit per element need more elements for 1000 words. */
    static final int N_BITS = 1 << 16;
    static final Prg G = NlPair.prg();

    /** One run's view of {@code observer}: {messages received on the protocol channel, its output words}. */
    static long[][] view(boolean broken, int observer, BiFunction<CotChannel, Integer, long[]> protocol) {
        InMemoryTransport.Pair pair = OtTestPair.sessions();
        try {
            RecordingSession[] rec = {new RecordingSession(pair.party(0)), new RecordingSession(pair.party(1))};
            DealerCots d0 = broken ? DealerCots.brokenAll() : DealerCots.honest();
            DealerCots d1 = broken ? DealerCots.brokenAll() : DealerCots.honest();
            CotPair[] cots = DealerCots.pairs(d0, d1, "view");
            CotChannel c0 = CotChannel.of(rec[0].channel("nl.view"), cots[0]);
            CotChannel c1 = CotChannel.of(rec[1].channel("nl.view"), cots[1]);
            var r = TwoPartyRunner.run(pair.party(0), s -> protocol.apply(c0, 0),
                    pair.party(1), s -> protocol.apply(c1, 1));
            List<long[]> msgs = rec[observer].received("nl.view");
            List<long[]> parts = new ArrayList<>();
            for (int k = 0; k < msgs.size(); k++) {
                long[] m = msgs.get(k);
                int header = k == 0 ? 2 : 1; // StageRunner: count word (+ run tag in the first message)
                long[] body = new long[m.length - header];
                System.arraycopy(m, header, body, 0, body.length);
                parts.add(body);
            }
            return new long[][] {ViewStats.concat(parts, 0), observer == 0 ? r.party0() : r.party1()};
        } finally {
            pair.close();
        }
    }

    /**
     * Checks the views of both parties for the protocol with the peer's input A vs B: {@code protocol} gets
     * (channel, party, whether this run uses input B for the given observer's peer).
     */
    static void checkViews(String what, ViewProtocol protocol) {
        for (int observer = 0; observer < 2; observer++) {
            int obs = observer;
            long[][] a = view(false, obs, (c, p) -> protocol.run(c, p, p != obs ? 0 : -1));
            long[][] b = view(false, obs, (c, p) -> protocol.run(c, p, p != obs ? 1 : -1));
            String[] kind = {"messages", "output shares"};
            for (int v = 0; v < 2; v++) {
                String w = what + ": party " + obs + "'s " + kind[v];
                ViewStats.assertBitBalanced(a[v], w + ", peer input A");
                ViewStats.assertBitBalanced(b[v], w + ", peer input B");
                ViewStats.assertSameBitDistribution(a[v], b[v], w + ", A vs B");
            }
            // the messages of two runs are independent (the output shares may carry the party's own,
            // unchanged input in some bits, e.g. a truncation's locally shifted share)
            int len = Math.min(a[0].length, b[0].length);
            long[] x = new long[len];
            for (int i = 0; i < len; i++) {
                x[i] = a[0][i] ^ b[0][i];
            }
            ViewStats.assertBitBalanced(x, what + ": party " + obs + "'s messages, A XOR B");
        }
    }

    /** The negative control: on a broken COT source the observer's view depends on the peer's input. */
    static void checkLeakCaught(String what, int observer, ViewProtocol protocol) {
        long[] a = view(true, observer, (c, p) -> protocol.run(c, p, p != observer ? 0 : -1))[0];
        long[] b = view(true, observer, (c, p) -> protocol.run(c, p, p != observer ? 1 : -1))[0];
        assertThrows(AssertionFailedError.class, () -> {
            ViewStats.assertBitBalanced(a, "leaky");
            ViewStats.assertBitBalanced(b, "leaky");
            ViewStats.assertSameBitDistribution(a, b, "leaky");
        }, what + ": the broken COT source must show in party " + observer + "'s view");
    }

    /** A protocol run for the view tests: {@code input} -1 for the observer (fixed input), 0 / 1 the peer's A / B. */
    interface ViewProtocol {
        long[] run(CotChannel c, int party, int input);
    }

    /** The observer's fixed random input, and the peer's inputs: A all zero, B random. */
    static final long[] OWN_VALUES = G.nextLongs(N_BITS);
    static final long[] OWN_BITS = G.nextBits(N_BITS);
    static final long[] PEER_VALUES_B = G.nextLongs(N_BITS);
    static final long[] PEER_BITS_B = G.nextBits(N_BITS);

    static long[] values(int input) {
        return input < 0 ? OWN_VALUES : input == 0 ? new long[N_BITS] : PEER_VALUES_B;
    }

    static long[] bits(int input) {
        return input < 0 ? OWN_BITS : input == 0 ? new long[N_BITS / 64] : PEER_BITS_B;
    }

    static long[] shifted(long[] v, int shift) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] >> shift;
        }
        return r;
    }

    static final ViewProtocol MUX = (c, p, in) -> Multiplexer.multiply(c, bits(in), values(in), N);
    static final ViewProtocol TRUNC = (c, p, in) -> FaithfulTruncationOt.truncate(c, shifted(values(in), 3), 16);
    static final ViewProtocol B2A = (c, p, in) -> BooleanToArithmetic.convert(c, bits(in), N_BITS);
    static final ViewProtocol POSITIVE = (c, p, in) -> PositiveBit.compute(c,
            values(in), PositiveBit.FULL, 4);
    static final ViewProtocol POSITIVE_BOUND = (c, p, in) -> PositiveBit.compute(c,
            shifted(values(in), 30), 36, 4);
    static final ViewProtocol RELU_EXACT = (c, p, in) -> relu(c, in, ReluTruncationOt.Mode.EXACT);
    static final ViewProtocol RELU_FAITHFUL = (c, p, in) -> relu(c, in, ReluTruncationOt.Mode.FAITHFUL);
    static final ViewProtocol MAX = (c, p, in) -> {
        MaxPoolOt.Result r = MaxPoolOt.run(c, shifted(java.util.Arrays.copyOf(values(in), 4 * N), 3), 4,
                PositiveBit.FULL, 4);
        return concat(r.maxShare(), r.argmaxBits());
    };

    /**
     * A fixed public table. The broken COT source shows the chooser's digit to party 0 (the flips); on party 1's side
     * it would open every pad, which the rows' bit statistics cannot show (each row entry stays masked by r), as for
     * the millionaire's leaf tables.
     */
    static final long[] TABLE = G.nextLongs(64);
    static final ViewProtocol LOOKUP = (c, p, in) -> TableLookupOt.lookup(c, java.util.Arrays.copyOf(values(in), N), 6,
            TABLE);

    static long[] relu(CotChannel c, int in, ReluTruncationOt.Mode mode) {
        ReluTruncationOt.Result r = ReluTruncationOt.run(c, java.util.Arrays.copyOf(values(in), N), 24, mode, 4);
        return concat(r.yShare(), r.dBits());
    }

    static long[] concat(long[] a, long[] b) {
        long[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void bitTimesShare() {
        checkViews("bit times share", MUX);
        checkLeakCaught("bit times share", 0, MUX);
        checkLeakCaught("bit times share", 1, MUX);
    }

    @Test
    void faithfulTruncation() {
        checkViews("faithful truncation", TRUNC);
        checkLeakCaught("faithful truncation", 0, TRUNC);
        checkLeakCaught("faithful truncation", 1, TRUNC);
    }

    @Test
    void booleanToArithmetic() {
        checkViews("boolean to arithmetic", B2A);
        checkLeakCaught("boolean to arithmetic", 0, B2A);
        checkLeakCaught("boolean to arithmetic", 1, B2A);
    }

    @Test
    void positiveBit() {
        checkViews("[z > 0]", POSITIVE);
        checkViews("[z > 0] with a bound", POSITIVE_BOUND);
        checkLeakCaught("[z > 0]", 0, POSITIVE);
    }

    @Test
    void reluWithTruncation() {
        checkViews("ReLU exact", RELU_EXACT);
        checkViews("ReLU faithful", RELU_FAITHFUL);
        checkLeakCaught("ReLU exact", 0, RELU_EXACT);
        checkLeakCaught("ReLU exact", 1, RELU_EXACT);
    }

    @Test
    void maxWithArgmax() {
        checkViews("max with argmax", MAX);
        checkLeakCaught("max with argmax", 0, MAX);
        checkLeakCaught("max with argmax", 1, MAX);
    }

    @Test
    void tableLookup() {
        checkViews("table lookup", LOOKUP);
        checkLeakCaught("table lookup", 0, LOOKUP);
    }
}
