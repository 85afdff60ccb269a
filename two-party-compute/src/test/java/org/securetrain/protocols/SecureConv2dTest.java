package org.securetrain.protocols;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.securetrain.backend.ShareKind;
import org.securetrain.crypto.he.ConvPlan;
import org.securetrain.crypto.he.ConvShape;
import org.securetrain.crypto.he.HeConvCross;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.runtime.ProtocolId;

/** The direct (HomConv) secure correlation against the plain ring correlation, exactly (mod 2^64). */
@Timeout(300)
class SecureConv2dTest {
    static HeTestPair pair;

    @BeforeAll
    static void open() {
        pair = new HeTestPair();
    }

    @AfterAll
    static void close() {
        pair.close();
    }

    /** Naive reference, independent of {@link ConvShape#correlateInto}: the definition, element by element. */
    static long[] reference(ConvShape s, long[] k, long[] in) {
        long[] out = new long[s.outputLength()];
        for (int o = 0; o < s.outCh(); o++) {
            for (int g = 0; g < s.groups(); g++) {
                for (int i = 0; i < s.outH(); i++) {
                    for (int j = 0; j < s.outW(); j++) {
                        long acc = 0;
                        for (int c = 0; c < s.inCh(); c++) {
                            for (int l = 0; l < s.kh(); l++) {
                                for (int m = 0; m < s.kw(); m++) {
                                    acc += k[((o * s.inCh() + c) * s.kh() + l) * s.kw() + m]
                                            * in[((g * s.inCh() + c) * s.h() + i * s.sh() + l) * s.w() + j * s.sw() + m];
                                }
                            }
                        }
                        out[((o * s.groups() + g) * s.outH() + i) * s.outW() + j] = acc;
                    }
                }
            }
        }
        return out;
    }

    static long[][] split(SplittableRandom r, long[] x, ShareKind kind) {
        long[] s0 = new long[x.length];
        long[] s1 = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            if (kind == ShareKind.ONLY_PARTY0) {
                s0[i] = x[i];
            } else if (kind == ShareKind.ONLY_PARTY1) {
                s1[i] = x[i];
            } else {
                s0[i] = r.nextLong();
                s1[i] = x[i] - s0[i];
            }
        }
        return new long[][] {kind.isZeroAt(0) ? null : s0, kind.isZeroAt(1) ? null : s1};
    }

    static void check(ConvShape s, ShareKind kk, ShareKind ik, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] k = new long[s.kernelLength()];
        long[] in = new long[s.inputLength()];
        for (int i = 0; i < k.length; i++) {
            k[i] = r.nextLong();
        }
        for (int i = 0; i < in.length; i++) {
            in[i] = r.nextLong();
        }
        long[][] ks = split(r, k, kk);
        long[][] is = split(r, in, ik);
        ProtocolId id = ProtocolId.parse("conv1.fwd");
        var res = pair.both((session, ctx, p) -> new SecureConv2d(session, ctx).correlate(ks[p], kk, is[p], ik, s, id));
        long[] want = reference(s, k, in);
        long[] got = new long[want.length];
        for (int i = 0; i < got.length; i++) {
            got[i] = res.party0()[i] + res.party1()[i];
        }
        assertArrayEquals(want, got, () -> s + " with " + ConvPlan.choose(HeParameters.standard(), s));
    }

    @ParameterizedTest
    @CsvSource({
        // outCh, groups, inCh, h, w, kh, kw, sh, sw
        "1, 1, 1, 5, 5, 3, 3, 1, 1",
        "3, 2, 2, 7, 6, 3, 2, 1, 1",
        "4, 3, 3, 9, 9, 3, 3, 2, 2",
        "5, 2, 6, 12, 12, 5, 5, 1, 1",
        "2, 5, 1, 11, 13, 4, 3, 2, 3",
        "6, 4, 3, 8, 8, 1, 1, 1, 1",
        "2, 3, 20, 30, 30, 3, 3, 1, 1", // 20 x 30 x 30 > N: channel blocks and row tiles
        "3, 2, 1, 60, 150, 5, 5, 2, 1", // one image exceeds N on its own: row tiles with overlap
    })
    void matchesPlainCorrelationExactly(int o, int g, int c, int h, int w, int kh, int kw, int sh, int sw) {
        check(ConvShape.valid(o, g, c, h, w, kh, kw, sh, sw), ShareKind.BOTH, ShareKind.BOTH, 31L * o + 7L * h + w);
    }

    /**
     * Largest magnitudes at a large T (all kernel entries -2^63, inputs -1 and -2^63 alternating): the worst case of
     * the noise bound for the weight-gradient shape of a 128-image batch (T = outBlock x 128 x 8 x 8).
     */
    @Test
    void extremeValuesAtLargeTermCountDecryptExactly() {
        ConvShape s = new ConvShape(4, 2, 128, 12, 12, 8, 8, 1, 1, 5, 5);
        long[] k = new long[s.kernelLength()];
        long[] in = new long[s.inputLength()];
        java.util.Arrays.fill(k, Long.MIN_VALUE);
        for (int i = 0; i < in.length; i++) {
            in[i] = (i & 1) == 0 ? -1 : Long.MIN_VALUE;
        }
        long[] want = reference(s, k, in);
        // party 0 holds the whole kernel, party 1 the whole input: the only cross term sees the extremes in the clear
        var res = pair.both((session, ctx, p) -> new SecureConv2d(session, ctx).correlate(p == 0 ? k : null,
                ShareKind.ONLY_PARTY0, p == 1 ? in : null, ShareKind.ONLY_PARTY1, s, ProtocolId.parse("conv.extreme")));
        long[] got = new long[want.length];
        for (int i = 0; i < got.length; i++) {
            got[i] = res.party0()[i] + res.party1()[i];
        }
        assertArrayEquals(want, got, () -> String.valueOf(ConvPlan.choose(HeParameters.standard(), s)));
        assertTrue(ConvPlan.choose(HeParameters.standard(), s).plainTerms() >= 128 * 64);
    }

    @Test
    void croppedOutputAndZeroShares() {
        // fewer rows/cols than fit (as the weight gradient of a truncated convolution uses)
        ConvShape s = new ConvShape(3, 2, 4, 10, 9, 3, 3, 2, 1, 3, 5);
        check(s, ShareKind.BOTH, ShareKind.BOTH, 1);
        check(s, ShareKind.BOTH, ShareKind.ONLY_PARTY1, 2); // an input held by the data owner: one cross term
        check(s, ShareKind.ONLY_PARTY0, ShareKind.BOTH, 3);
        check(s, ShareKind.ONLY_PARTY0, ShareKind.ONLY_PARTY0, 4); // local only
    }

    @Test
    void planPutsManyOutputsInOneCiphertextAndTrafficIsAttributed() {
        ConvShape s = ConvShape.valid(16, 128, 6, 12, 12, 5, 5, 1, 1);
        ConvPlan p = ConvPlan.choose(HeParameters.standard(), s);
        assertTrue((long) p.outBlock * p.groupBlock * p.chBlock * p.inRows * s.w() <= 8192, p::toString);
        assertTrue(p.outputCiphertexts() < 16 * 128 / 4, p::toString);
        assertTrue(ConvPlan.directPreferred(HeParameters.standard(), s), p::toString);
        assertEquals("he.conv.cross", HeConvCross.STEP);
    }

    @Test
    void mismatchedShapesOrKindsFailBothPartiesNamingBothViews() {
        ConvShape s5 = ConvShape.valid(2, 1, 1, 5, 5, 3, 3, 1, 1);
        ConvShape s6 = ConvShape.valid(2, 1, 1, 6, 5, 3, 3, 1, 1);
        Object[] r = new Object[2];
        try (HeTestPair own = new HeTestPair()) {
            own.both((session, ctx, p) -> {
                ConvShape s = p == 0 ? s5 : s6;
                try {
                    r[p] = new SecureConv2d(session, ctx).correlate(new long[s.kernelLength()], ShareKind.BOTH,
                            new long[s.inputLength()], ShareKind.BOTH, s, ProtocolId.parse("conv.bad"));
                } catch (RuntimeException e) {
                    r[p] = e;
                }
                return null;
            });
        }
        org.securetrain.crypto.ot.OtTestPair.assertBothFailNamingBothViews(r,
                "correlates " + s5 + ", kernel BOTH, input BOTH", "correlates " + s6 + ", kernel BOTH, input BOTH");
    }

    @Test
    void badSharesAreNamed() {
        ConvShape s = ConvShape.valid(2, 1, 1, 5, 5, 3, 3, 1, 1);
        RuntimeException e;
        try (HeTestPair own = new HeTestPair()) { // the failure ends the session
            e = assertThrows(RuntimeException.class, () -> own.both((session, ctx, p) -> new SecureConv2d(session, ctx)
                    .correlate(new long[3], ShareKind.BOTH, new long[25], ShareKind.BOTH, s, ProtocolId.parse("x"))));
        }
        assertTrue(String.valueOf(e.getMessage()).contains("kernel share has 3 elements"), e::getMessage);
        assertThrows(IllegalArgumentException.class, () -> ConvShape.valid(1, 1, 1, 3, 3, 4, 1, 1, 1));
    }
}
