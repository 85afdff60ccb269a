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
