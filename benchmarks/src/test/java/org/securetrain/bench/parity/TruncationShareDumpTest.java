package org.securetrain.bench.parity;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * The audit must tell exact results, the one-ulp error and wrap-arounds apart. Each "party" here truncates
 * its own share locally (the plaintext backend applied to one share: the non-interactive truncation the
 * design forbids), which produces all three outcomes on chosen shares.
 */
class TruncationShareDumpTest {
    @TempDir
    Path dir;

    @Test
    void auditClassifiesExactOffByOneAndWrapAround() throws Exception {
        FixedPoint fp = FixedPoint.of(24);
        Path f0 = dir.resolve("p0.bin");
        Path f1 = dir.resolve("p1.bin");
        try (TruncationShareDump d0 = new TruncationShareDump(new InsecurePlaintextBackend(fp), f0);
             TruncationShareDump d1 = new TruncationShareDump(new InsecurePlaintextBackend(fp), f1)) {
            // x = 8 (exact), x = 7 + 1 (the dropped carry: one ulp low), x = 2^62 + 2^62 (wraps)
            d0.truncate(new long[] {8, 7, 1L << 62}, 2, id("t"));
            d1.truncate(new long[] {0, 1, 1L << 62}, 2, id("t"));
            d0.truncate(new long[] {-4}, 1, id("u"));
            d1.truncate(new long[] {0}, 1, id("u"));
        }
        TruncationShareDump.Audit a = TruncationShareDump.audit(f0, f1);
        assertEquals(new TruncationShareDump.Audit(2, 4, 2, 1, 1), a);
    }

    @Test
    void dumpsOutOfStepAreRejected() throws Exception {
        FixedPoint fp = FixedPoint.of(24);
        Path f0 = dir.resolve("p0.bin");
        Path f1 = dir.resolve("p1.bin");
        try (TruncationShareDump d0 = new TruncationShareDump(new InsecurePlaintextBackend(fp), f0);
             TruncationShareDump d1 = new TruncationShareDump(new InsecurePlaintextBackend(fp), f1)) {
            d0.truncate(new long[] {1, 2}, 2, id("t"));
            d1.truncate(new long[] {1, 2, 3}, 2, id("t"));
        }
        IOException e = assertThrows(IOException.class, () -> TruncationShareDump.audit(f0, f1));
        assertTrue(e.getMessage().contains("disagree"), e.getMessage());
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
