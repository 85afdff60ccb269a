package org.securetrain.crypto.he;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.securetrain.crypto.he.HeParameters.JointProducts;

/** The parameter value: what is fixed, what may be chosen, the bounds the constructor enforces, the fingerprint. */
class HeParametersTest {

    @Test
    void standardParametersAndTheirFingerprint() {
        HeParameters p = HeParameters.standard();
        assertEquals(8192, p.n());
        assertEquals(21, p.eta());
        assertEquals(80, p.switchBits());
        assertEquals(40, p.runStatisticalSecurity());
        assertEquals(1L << 17, p.plannedCrossTerms());
        assertEquals(57, p.statisticalSecurity(), "40 bits over 2^17 cross terms: 40 + 17 per cross term");
        assertEquals(JointProducts.WHEN_CHEAPER, p.jointProducts());
        assertEquals(100_000_000L, p.planningBandwidth(), "blocked for 100 Mbit/s: 80 ps per byte");
        // the value both parties agree on at the key exchange: a change here makes old and new parties disagree (the
        // default planning bandwidth moved from 1 Gbit/s, fingerprint 0x8d56f61e645d25d5, to 100 Mbit/s)
        assertEquals(0x11089ea13ef2afa5L, p.fingerprint());
        assertEquals(new HeParameters(40, 1L << 17, 80_000, JointProducts.WHEN_CHEAPER), p);
        assertEquals(0x8d56f61e645d25d5L, p.withPlanningBandwidth(1_000_000_000L).fingerprint());
    }

    @Test
    void everyChoiceIsPartOfEqualityAndFingerprint() {
        HeParameters p = HeParameters.standard();
        HeParameters[] others = {p.withRunStatisticalSecurity(48, 1L << 17), p.withRunStatisticalSecurity(40, 1000),
            p.withPlannerPicosPerByte(123), p.withJointProducts(JointProducts.ALWAYS)};
        for (HeParameters o : others) {
            assertNotEquals(p, o);
            assertNotEquals(p.fingerprint(), o.fingerprint(), o.toString());
        }
        assertEquals(58, p.withRunStatisticalSecurity(48, 1000).statisticalSecurity(), "48 + ceil(log2 1000)");
    }

    @Test
    void theConstructorRefusesOutOfRangeChoicesNamingTheBound() {
        assertTrue(refused(() -> new HeParameters(19, 1, 0, JointProducts.NEVER)).contains("[20, 128] bits, got 19"));
        assertTrue(refused(() -> HeParameters.standard().withRunStatisticalSecurity(40, 0))
                .contains("planned HE cross terms must be in [1, 2^40], got 0"));
        assertTrue(refused(() -> HeParameters.standard().withRunStatisticalSecurity(120, 1L << 20))
                .contains("needs 140 bits per cross term, more than 128"));
        assertTrue(refused(() -> HeParameters.standard().withPlannerPicosPerByte(-1))
                .contains("planner picoseconds per byte out of range: -1"));
        assertThrows(NullPointerException.class, () -> HeParameters.standard().withJointProducts(null));
    }

    private static String refused(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
