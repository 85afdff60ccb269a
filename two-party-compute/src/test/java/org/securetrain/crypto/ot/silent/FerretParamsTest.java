package org.securetrain.crypto.ot.silent;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The presets carry emp-ot's published values; derived sizes and validation. */
class FerretParamsTest {

    @Test
    void presetsAreEmpOtsFerretSets() {
        int[][] want = {{1900, 19, 13}, {1520, 18, 12}, {1170, 17, 11}, {850, 16, 10}};
        FerretParams[] got = {FerretParams.B13, FerretParams.B12, FerretParams.B11, FerretParams.B10};
        for (int i = 0; i < 4; i++) {
            assertEquals(want[i][0], got[i].trees());
            assertEquals(want[i][1], got[i].logk());
            assertEquals(want[i][2], got[i].depth());
            assertTrue(got[i].isPublished());
            assertSame(got[i], FerretParams.named(got[i].name()));
        }
        assertEquals(15_564_800, FerretParams.B13.n());
        assertEquals(548_988, FerretParams.B13.reserved());
        assertEquals(15_015_812, FerretParams.B13.outputsPerIteration());
        assertEquals(395_240, FerretParams.B13.bytesPerIteration());
        assertEquals(8, FerretParams.B13.batchTrees());
        assertEquals(238, FerretParams.B13.batches());
        assertEquals(870_400, FerretParams.B10.n());
        assertEquals(74_036, FerretParams.B10.reserved());
    }

    @Test
    void bootstrapGoesThroughB10WhenThatIsLessTraffic() {
        assertSame(FerretParams.B10, FerretParams.B13.bootstrapStage());
        assertSame(FerretParams.B10, FerretParams.B12.bootstrapStage());
        assertSame(FerretParams.B10, FerretParams.B11.bootstrapStage());
        assertNull(FerretParams.B10.bootstrapStage());
        assertNull(FerretParams.insecureForTests(24, 10, 7).bootstrapStage());
        for (FerretParams p : new FerretParams[] {FerretParams.B11, FerretParams.B12, FerretParams.B13}) {
            assertTrue(FerretParams.B10.outputsPerIteration() >= p.reserved(), "one b10 iteration bootstraps " + p);
        }
    }

    @Test
    void invalidSetsAreRejectedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FerretParams.insecureForTests(0, 10, 7))
                .getMessage().contains("t (trees)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FerretParams.insecureForTests(4, 10, 1))
                .getMessage().contains("depth"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FerretParams.insecureForTests(2, 12, 5))
                .getMessage().contains("does not even refill"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FerretParams.named("silver"))
                .getMessage().contains("unknown Ferret parameter set"));
        assertFalse(FerretParams.insecureForTests(24, 10, 7).isPublished());
    }
}
