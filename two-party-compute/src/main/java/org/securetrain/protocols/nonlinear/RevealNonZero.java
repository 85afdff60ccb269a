package org.securetrain.protocols.nonlinear;

import java.util.ArrayList;
import java.util.List;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * Opens to both parties the one bit [s != 0 mod 2^k] of a value s = s0 + s1 shared mod 2^k, and nothing else:
 * the range guard's verdict ({@code RangeCheckedBackend#verify}). s = 0 iff s0 = -s1 mod 2^k, a k-bit equality:
 * the folded millionaire plan ({@link ComparisonPlan#positive}) with x = s0 (party 0), y = -s1 mod 2^k (party 1)
 * and the folded bit fixed to 1 (party 0 inputs 1, party 1 inputs 0) gives XOR shares of [x = y] at its root; one
 * more stage, in which both parties send their 1-bit share at once, opens it. One {@link StageRunner} run on one
 * element, digits of {@link ComparisonPlan#MAX_RADIX} bits for the fewest tree levels (bytes do not matter here).
 *
 * <p>Views: the millionaire's (uniform, independent of the peer's share), then the peer's output share, which is
 * the opened bit XOR this party's own uniform share: it tells the bit and nothing more.
 */
public final class RevealNonZero {
    private RevealNonZero() {
    }

    /** Both parties call with their share (only its low k bits count) and the same k in [1, 63]; both get the bit. */
    public static boolean reveal(CotChannel ch, long share, int k) {
        Inputs.reject(ch, "reveal [s != 0]", k < 1 || k > 63 ? "ring bits must be in [1, 63], got " + k : null);
        int me = ch.party();
        long mask = (1L << k) - 1;
        long[] v = {(me == 0 ? share : -share) & mask};
        long[] fold = {me == 0 ? 1 : 0};
        Millionaire mill = new Millionaire(ch, ComparisonPlan.positive(k, ComparisonPlan.MAX_RADIX, 0), 1);
        mill.prepare();
        mill.setInputs(v, fold);
        boolean[] nonZero = new boolean[1];
        List<Stage> stages = new ArrayList<>(mill.stages());
        stages.add(new Stage(Stage.BOTH) {
            long own;
            long peer;

            @Override
            protected void write(PackedWriter w) {
                own = mill.rootEq()[0] & 1;
                w.bits(own, 1);
            }

            @Override
            protected void read(PackedReader r) {
                peer = r.bits(1);
            }

            @Override
            protected void complete() {
                nonZero[0] = (own ^ peer) == 0;
            }
        });
        StageRunner.run(ch, "nl.revealNonZero", new RunTag(RunTag.Kind.NONZERO_REVEAL, 1, k), stages);
        return nonZero[0];
    }
}
