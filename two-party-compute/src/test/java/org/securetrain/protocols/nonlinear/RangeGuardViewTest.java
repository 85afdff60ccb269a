package org.securetrain.protocols.nonlinear;

import static org.securetrain.protocols.nonlinear.ProtocolViewTest.N;
import static org.securetrain.protocols.nonlinear.ProtocolViewTest.values;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The range count's views (as {@link ProtocolViewTest}): each party's messages and output shares are uniform and
 * distributed alike whether the peer's values are all zero (in range) or random (almost all out of range); the
 * negative control runs it on a broken COT source, where the flips show party 1's digits to party 0 and the B2A
 * corrections show party 0's bits to party 1, and checks that the test notices.
 */
@Timeout(300)
class RangeGuardViewTest {
    /** Per-value shares over the full ring (uniform in all 64 bits). */
    static final ProtocolViewTest.ViewProtocol COUNT_64 = (c, p, in) -> OutOfRangeCount.outside(c,
            java.util.Arrays.copyOf(values(in), N), 61, 64, 4);

    /** Per-value shares mod 2^32 as the guard uses them, two to a word (their top halves are zero by contract). */
    static final ProtocolViewTest.ViewProtocol COUNT_32 = (c, p, in) -> {
        long[] s = OutOfRangeCount.outside(c, java.util.Arrays.copyOf(values(in), N), 61, 32, 4);
        long[] packed = new long[(s.length + 1) / 2];
        for (int i = 0; i < s.length; i++) {
            packed[i >>> 1] |= (s[i] & 0xFFFF_FFFFL) << (32 * (i & 1));
        }
        return packed;
    };

    static long[] pack32(long[] s) {
        long[] packed = new long[(s.length + 1) / 2];
        for (int i = 0; i < s.length; i++) {
            packed[i >>> 1] |= (s[i] & 0xFFFF_FFFFL) << (32 * (i & 1));
        }
        return packed;
    }

    /** The check in a truncation's run (as the guard runs it): the truncation's and the check's output shares. */
    static final ProtocolViewTest.ViewProtocol WITH_TRUNCATION = (c, p, in) -> {
        long[] x = ProtocolViewTest.shifted(java.util.Arrays.copyOf(values(in), N), 3);
        OutOfRangeCount check = OutOfRangeCount.prepared(c, x, 61, 32, 4);
        long[] t = FaithfulTruncationOt.truncate(c, x, 16, check);
        return ProtocolViewTest.concat(t, pack32(check.outside()));
    };

    /** The check beside a ReLU's sign test: the ReLU's and the check's output shares. */
    static final ProtocolViewTest.ViewProtocol WITH_RELU = (c, p, in) -> {
        long[] z = java.util.Arrays.copyOf(values(in), N);
        OutOfRangeCount check = OutOfRangeCount.prepared(c, z, 61, 32, 4);
        ReluTruncationOt.Result r = ReluTruncationOt.run(c, z, 24, ReluTruncationOt.Mode.EXACT, 4, check);
        return ProtocolViewTest.concat(ProtocolViewTest.concat(r.yShare(), r.dBits()), pack32(check.outside()));
    };

    @Test
    void combinedRunsViewsDoNotDependOnThePeersValues() {
        ProtocolViewTest.checkViews("truncation with range count", WITH_TRUNCATION);
        ProtocolViewTest.checkViews("ReLU with range count", WITH_RELU);
        ProtocolViewTest.checkLeakCaught("ReLU with range count", 0, WITH_RELU);
        ProtocolViewTest.checkLeakCaught("truncation with range count", 1, WITH_TRUNCATION);
    }

    @Test
    void rangeCountViewsDoNotDependOnThePeersValues() {
        ProtocolViewTest.checkViews("range count (ring 2^64)", COUNT_64);
        ProtocolViewTest.checkViews("range count (ring 2^32)", COUNT_32);
    }

    @Test
    void aBrokenCotSourceShowsInBothViews() {
        ProtocolViewTest.checkLeakCaught("range count", 0, COUNT_32);
        ProtocolViewTest.checkLeakCaught("range count", 1, COUNT_32);
    }
}
