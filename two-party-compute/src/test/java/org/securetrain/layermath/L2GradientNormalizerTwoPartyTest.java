package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.RangeCheckedBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * {@link L2GradientNormalizer} on the two-party backend (OT engine, range guard on) equals the plaintext reference bit
 * for bit on random shares, for renormalisation and for clipping with groups above and below the threshold and an
 * all-zero group (the element-wise squares), and on the same elements as one group (the inner product), so {@link L2GradientNormalizerTest}'s bounds hold for the protocol's outputs; the guard's verdict
 * passes. Prints bytes and flights per call.
 */
@Timeout(300)
class L2GradientNormalizerTwoPartyTest {
    static final FixedPoint FP = FixedPoint.of(24);
    static final L2Normalization[] CASES = {
        new L2Normalization(L2Normalization.Mode.RENORMALIZE, 0), new L2Normalization(L2Normalization.Mode.CLIP, 1.0),
        new L2Normalization(L2Normalization.Mode.RENORMALIZE, 0), new L2Normalization(L2Normalization.Mode.CLIP, 1.5),
    };

    /**
     * Cases 0 and 1 on the groups, 2 and 3 on one group of all their elements divided by 4 (one group of 6,205 has the
     * element bound 2^24 ulps = 1.0, which some elements of the groups exceed: the guard would stop the run).
     */
    static long[][] groupsOf(int c, long[][] g) {
        if (c < 2) {
            return g;
        }
        int n = 0;
        for (long[] x : g) {
            n += x.length;
        }
        long[] all = new long[n];
        int at = 0;
        for (long[] x : g) {
            for (long v : x) {
                all[at++] = v / 4;
            }
        }
        return new long[][] {all};
    }

    @Test
    void bitExactWithThePlaintextReference() {
        long[][] g = L2GradientNormalizerTest.groups(new Random(8));
        g[6] = new long[64]; // the 4-sigma group would break the element bound of a 64-element group; zeros instead
        Random r = new Random(9);
        long[][][][] shares = new long[CASES.length][][][];
        for (int c = 0; c < CASES.length; c++) {
            long[][] groups = groupsOf(c, g);
            shares[c] = new long[groups.length][][];
            for (int j = 0; j < groups.length; j++) {
                shares[c][j] = TestShares.split(groups[j], r);
            }
        }
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120)).build())) {
            TwoPartyRunner.Results<long[][][], long[][][]> res = TwoPartyRunner.run(
                    pair.party(0), s -> all(TwoPartyBackend.open(s, FP), shares, 0, s),
                    pair.party(1), s -> all(TwoPartyBackend.open(s, FP), shares, 1, null));
            var plain = new InsecurePlaintextBackend(FP);
            L2GradientNormalizer ref = new L2GradientNormalizer(plain, PositiveRoots.exact(plain));
            assertTrue(L2GradientNormalizerTest.norm(groupsOf(3, g)[0]) > CASES[3].threshold(),
                    "the one-group clipping case must clip");
            for (int c = 0; c < CASES.length; c++) {
                long[][] expected = ref.apply(CASES[c], groupsOf(c, g), ProtocolId.parse("t"));
                for (int j = 0; j < expected.length; j++) {
                    assertArrayEquals(expected[j], TestShares.join(res.party0()[c][j], res.party1()[c][j]),
                            CASES[c] + " group " + j + ": two parties vs the plaintext reference");
                }
            }
        }
    }

    private static long[][][] all(Backend raw, long[][][][] shares, int party, Session s) {
        RangeCheckedBackend be = new RangeCheckedBackend(raw);
        L2GradientNormalizer nz = new L2GradientNormalizer(be, PositiveRoots.exact(be));
        long[][][] out = new long[CASES.length][][];
        for (int c = 0; c < CASES.length; c++) {
            var before = s == null ? null : s.traffic().snapshot();
            long[][] groups = new long[shares[c].length][];
            for (int j = 0; j < groups.length; j++) {
                groups[j] = shares[c][j][party];
            }
            int n = 0;
            for (long[] x : groups) {
                n += x.length;
            }
            out[c] = nz.apply(CASES[c], groups, ProtocolId.parse("t").child("c" + c));
            be.verify(ProtocolId.parse("v").child("c" + c), "test");
            if (s != null) {
                var t = s.traffic().snapshot().minus(before).total();
                System.out.printf("%s two-party, %d groups, %d elements: %d bytes (%.0f bytes/element), %d flights of "
                        + "party 0 (range verdict included)%n", CASES[c], groups.length, n, t.bytesTotal(),
                        t.bytesTotal() / (double) n, t.rounds());
            }
        }
        return out;
    }
}
