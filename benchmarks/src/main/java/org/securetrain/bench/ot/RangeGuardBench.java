package org.securetrain.bench.ot;

import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.protocols.nonlinear.CotChannel;
import org.securetrain.protocols.nonlinear.Multiplexer;
import org.securetrain.protocols.nonlinear.OutOfRangeCount;
import org.securetrain.protocols.nonlinear.PositiveBit;
import org.securetrain.protocols.nonlinear.RevealNonZero;
import org.securetrain.runtime.ProtocolId;

/**
 * The range guard, old against new, on Ferret silent OT (both parties in one process, as {@link NonlinearBench}).
 * Check of n values: old = two full-width sign tests {@code positive(x - 2^61)}, {@code positive(-x - 2^61)} on 2n
 * values, then their bits times the constant 1 (two calls, as {@code RangeCheckedBackend} made them before); new =
 * {@link OutOfRangeCount} (one comparison with a custom top digit and a 32-bit B2A, one call). Verification of the
 * count: old = a sign test and a bit times share on one value (plus the two reveals, one flight each way, not in
 * this figure); new = {@link RevealNonZero} (a 32-bit equality and the opening). After each iteration: bytes per
 * element (both directions), party 0's flights per call, CPU time per element.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar RangeGuardBench -f 1 -wi 2 -i 3}.
 */
public class RangeGuardBench extends LabelledTwoPartyBench {
    /** Values per check (one layer's pre-activations of a 128-example batch: 128 x 128). */
    @Param({"16384"})
    public int n;
    /** Millionaire digit width. */
    @Param({"4"})
    public int radix;

    static final long BOUND = 1L << 61;

    CotChannel[] cot;
    long[] x0;
    long[] x1;
    long[] shifted0;
    long[] shifted1;
    long[] ones0;
    long[] ones1;

    @Setup(Level.Trial)
    public void setUp() {
        tp = new TwoParties();
        ProtocolId id = ProtocolId.of("bench", "range");
        cot = tp.silentCots(id);
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        x0 = g.nextLongs(n);
        x1 = g.nextLongs(n);
        for (int i = 0; i < n; i++) {
            x1[i] = (x1[i] >> 14) - x0[i]; // |x| < 2^50: in range, as in training
        }
        shifted0 = new long[2 * n];
        shifted1 = new long[2 * n];
        for (int i = 0; i < n; i++) {
            shifted0[i] = x0[i] - BOUND;
            shifted0[n + i] = -x0[i] - BOUND;
            shifted1[i] = x1[i];
            shifted1[n + i] = -x1[i];
        }
        ones0 = new long[2 * n];
        java.util.Arrays.fill(ones0, 1);
        ones1 = new long[2 * n];
        checkNew(); // Ferret's first extension and the first compilations
        tp.mark();
    }

    @Benchmark
    public long[] checkOld() {
        current = "range check old (2 sign tests + 2 bit-times-1), n=" + n + ", radix " + radix;
        currentElements = n;
        return tp.run(s -> Multiplexer.multiply(cot[0], PositiveBit.compute(cot[0], shifted0, PositiveBit.FULL, radix),
                        ones0, 2 * n),
                s -> Multiplexer.multiply(cot[1], PositiveBit.compute(cot[1], shifted1, PositiveBit.FULL, radix),
                        ones1, 2 * n));
    }

    @Benchmark
    public long checkNew() {
        current = "range check new (OutOfRangeCount, count mod 2^32), n=" + n + ", radix " + radix;
        currentElements = n;
        return tp.run(s -> OutOfRangeCount.count(cot[0], x0, 61, 32, radix),
                s -> OutOfRangeCount.count(cot[1], x1, 61, 32, radix));
    }

    @Benchmark
    public long[] verifyOld() {
        current = "verify old (sign test + bit-times-1 on the count; the two reveals not included)";
        currentElements = 1;
        return tp.run(s -> Multiplexer.multiply(cot[0], PositiveBit.compute(cot[0], new long[] {x0[0]},
                        PositiveBit.FULL, radix), new long[] {1}, 1),
                s -> Multiplexer.multiply(cot[1], PositiveBit.compute(cot[1], new long[] {-x0[0]},
                        PositiveBit.FULL, radix), new long[] {0}, 1));
    }

    @Benchmark
    public boolean verifyNew() {
        current = "verify new (RevealNonZero, 32-bit count, opening included)";
        currentElements = 1;
        return tp.run(s -> RevealNonZero.reveal(cot[0], x0[0], 32), s -> RevealNonZero.reveal(cot[1], -x0[0], 32));
    }
}
