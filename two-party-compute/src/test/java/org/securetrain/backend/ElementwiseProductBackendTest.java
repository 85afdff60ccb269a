package org.securetrain.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.ProtocolId;

/**
 * {@link Backend#multiplyElementwise} and {@link Backend#square} on both engines (the same OT-based product: Ferret
 * COTs on the OT engine, IKNP COTs on the GC engine) equal the plaintext oracle bit for bit, and the oracle is
 * x·y mod 2^64.
 */
@Timeout(300)
class ElementwiseProductBackendTest {
    static final Backend REF = RangeGuardBackendTest.REF;

    @Test
    void theOracleIsTheRingProduct() {
        long[] x = {3, -3, Long.MIN_VALUE, 1L << 32, Long.MAX_VALUE};
        long[] y = {5, 7, -1, 1L << 32, 2};
        assertArrayEquals(new long[] {15, -21, Long.MIN_VALUE, 0, -2}, REF.multiplyElementwise(x, y, id()));
        assertArrayEquals(new long[] {9, 9, 0, 0, 1}, REF.square(x, id()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> REF.multiplyElementwise(x, new long[4], id()));
        assertEquals("element-wise product: x has 5 values, y has 4", e.getMessage());
    }

    @Test
    void theOtEngineEqualsTheOracle() {
        engineEqualsTheOracle(NonlinearEngine.OT);
    }

    /** Slow (a second backend pair); the GC engine runs the same protocol on IKNP COTs. */
    @Test
    @Tag("slow")
    void theGcEngineEqualsTheOracle() {
        engineEqualsTheOracle(NonlinearEngine.GC);
    }

    static void engineEqualsTheOracle(NonlinearEngine engine) {
        Random r = new Random(11);
        int n = 3000;
        long[] x = new long[n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextLong() >> (i % 64);
            y[i] = r.nextLong() >> (i / 64 % 64);
        }
        x[0] = Long.MIN_VALUE;
        y[1] = -1;
        long[][] xs = RangeGuardBackendTest.split(x, r);
        long[][] ys = RangeGuardBackendTest.split(y, r);
        var out = RangeGuardBackendTest.both(engine, (be, p) -> new long[][] {
            be.multiplyElementwise(xs[p], ys[p], id()), be.square(xs[p], id().child("sq"))});
        assertArrayEquals(REF.multiplyElementwise(x, y, id()),
                RangeGuardBackendTest.join(out.party0()[0], out.party1()[0]), engine.flag());
        assertArrayEquals(REF.square(x, id()), RangeGuardBackendTest.join(out.party0()[1], out.party1()[1]),
                engine.flag());
    }

    static ProtocolId id() {
        return ProtocolId.parse("emul");
    }
}
