package org.securetrain.crypto.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The link the block planner optimises for: its weight of a byte, its range, its place in the parameters both
 * parties agree on, and what it changes in the MLP 784-128-128-10 step's plans (bytes, not results).
 */
class PlanningBandwidthTest {
    static final HeParameters DEFAULT = HeParameters.standard();
    static final HeParameters GIGABIT = DEFAULT.withPlanningBandwidth(1_000_000_000L);

    @Test
    void theDefaultPlansFor100MbitPerSecond() {
        assertEquals(HeParameters.DEFAULT_PLANNING_BITS_PER_SECOND, DEFAULT.planningBandwidth());
        assertEquals(80_000, DEFAULT.plannerPicosPerByte(), "8 bits at 100 Mbit/s = 80 ns per byte");
        assertEquals(8_000, GIGABIT.plannerPicosPerByte());
        assertEquals(DEFAULT, HeParameters.standard().withPlanningBandwidth(100_000_000L));
        // the statistical choice keeps the planning bandwidth, and the reverse
        assertEquals(1_000_000_000L, GIGABIT.withRunStatisticalSecurity(48, 1024).planningBandwidth());
        assertEquals(48, DEFAULT.withRunStatisticalSecurity(48, 1024).withPlanningBandwidth(1_000_000_000L)
                .runStatisticalSecurity());
    }

    @Test
    void bothPartiesMustPlanAlike() {
        assertNotEquals(DEFAULT, GIGABIT);
        assertNotEquals(DEFAULT.fingerprint(), GIGABIT.fingerprint());
    }

    @Test
    void anOutOfRangeBandwidthIsRefusedNamingTheRange() {
        for (long bps : new long[] {0, -1, 999_999, 1_000_000_000_001L}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DEFAULT.withPlanningBandwidth(bps));
            assertTrue(e.getMessage().contains("[1 Mbit/s, 1000 Gbit/s]"), e.getMessage());
        }
    }

    @Test
    void aSlowerLinkGetsPlansWithFewerBytes() {
        // the MLP 784-128-128-10 step's product shapes (batch 128), one cross term each
        int[][] shapes = {{128, 784, 128}, {128, 128, 128}, {128, 128, 10}, {128, 10, 128}, {784, 128, 128}};
        long slowTotal = 0;
        long fastTotal = 0;
        for (int[] s : shapes) {
            HeMatMulPlan slow = HeMatMulPlan.choose(DEFAULT, s[0], s[1], s[2]);
            HeMatMulPlan fast = HeMatMulPlan.choose(GIGABIT, s[0], s[1], s[2]);
            long slowBytes = slow.inputBytes(DEFAULT) + slow.outputBytes(DEFAULT);
            long fastBytes = fast.inputBytes(GIGABIT) + fast.outputBytes(GIGABIT);
            assertTrue(slowBytes <= fastBytes, s[0] + "x" + s[1] + "x" + s[2] + ": " + slow + " sends " + slowBytes
                    + " bytes, " + fast + " " + fastBytes);
            slowTotal += slowBytes;
            fastTotal += fastBytes;
        }
        // measured on the whole step (MlpStepProducts): 56.0 MiB at 100 Mbit/s against 111.9 MiB at 1 Gbit/s
        assertTrue(slowTotal * 10 < fastTotal * 6, "planned for 100 Mbit/s: " + slowTotal + " bytes, for 1 Gbit/s: "
                + fastTotal);
    }
}
