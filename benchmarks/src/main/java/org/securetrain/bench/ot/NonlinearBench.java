package org.securetrain.bench.ot;

import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.protocols.BitTimesShare;
import org.securetrain.protocols.FaithfulTruncation;
import org.securetrain.protocols.MaxPoolCircuitProtocol;
import org.securetrain.protocols.ReluTruncation;
import org.securetrain.protocols.nonlinear.CotChannel;
import org.securetrain.protocols.nonlinear.FaithfulTruncationOt;
import org.securetrain.protocols.nonlinear.MaxPoolOt;
import org.securetrain.protocols.nonlinear.Multiplexer;
import org.securetrain.protocols.nonlinear.PositiveBit;
import org.securetrain.protocols.nonlinear.ReluTruncationOt;
import org.securetrain.runtime.ProtocolId;

/**
 * The non-linear kernels side by side, per element: the OT engine (millionaire, multiplexer and truncation on
 * Ferret silent OT, {@code org.securetrain.protocols.nonlinear}) against round 1 (garbled circuits for ReLU and
 * the 2x2 max-pool window, IKNP correlated OT for truncation and bit times share). Both parties in one process
 * over the in-memory transport; base OTs, the Ferret bootstrap and its first extension are set up before the
 * measurement (a Ferret extension, ~0.2 bit per COT, happens inside when the pool runs dry). After each
 * iteration: bytes per element (both directions), party 0's flights per call, CPU time per element.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar NonlinearBench -f 1 -wi 2 -i 3}.
 */
public class NonlinearBench extends LabelledTwoPartyBench {
    /** ReLU and bit-times-share elements per call. */
    @Param({"16384"})
    public int n;
    /** Fractional bits (ReLU truncates by f). */
    @Param({"24"})
    public int f;
    /** Millionaire digit width of the OT engine. */
    @Param({"4"})
    public int radix;

    static final int WINDOWS = 4096;
    static final int TRUNC = 1 << 18;

    CotChannel[] cot;
    GcProtocol[] gc = new GcProtocol[2];
    long[] z0, z1, m0, m1, t0, t1, x0, x1, d0, d1;

    @Setup(Level.Trial)
    public void setUp() {
        tp = new TwoParties();
        ProtocolId id = ProtocolId.of("bench", "nl");
        cot = tp.silentCots(id);
        tp.run(x -> gc[0] = GcProtocol.open(x, tp.e0, id), x -> gc[1] = GcProtocol.open(x, tp.e1, id));
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        z0 = g.nextLongs(n);
        z1 = g.nextLongs(n);
        for (int i = 0; i < n; i++) {
            z1[i] = (z1[i] >> 10) - z0[i]; // |z| < 2^54: ReLU inputs of every sign
        }
        m0 = g.nextLongs(4 * WINDOWS);
        m1 = g.nextLongs(4 * WINDOWS);
        for (int i = 0; i < m1.length; i++) {
            m1[i] = (m1[i] >> 10) - m0[i]; // |v| < 2^54: within the max's range
        }
        t0 = g.nextLongs(TRUNC);
        t1 = g.nextLongs(TRUNC);
        for (int i = 0; i < TRUNC; i++) {
            t1[i] = (t1[i] >> 2) - t0[i]; // |x| < 2^62
        }
        x0 = g.nextLongs(n);
        x1 = g.nextLongs(n);
        d0 = g.nextBits(n);
        d1 = g.nextBits(n);
        // one call of each first: Ferret's first extension and the JIT's first compilations
        reluOt();
        tp.mark();
    }

    @Benchmark
    public ReluTruncationOt.Result reluOt() {
        current = "ReLU+trunc OT exact, n=" + n + ", f=" + f + ", radix " + radix;
        currentElements = n;
        return tp.run(s -> ReluTruncationOt.run(cot[0], z0, f, ReluTruncationOt.Mode.EXACT, radix),
                s -> ReluTruncationOt.run(cot[1], z1, f, ReluTruncationOt.Mode.EXACT, radix));
    }

    @Benchmark
    public ReluTruncationOt.Result reluOtFaithful() {
        current = "ReLU+trunc OT faithful, n=" + n + ", f=" + f + ", radix " + radix;
        currentElements = n;
        return tp.run(s -> ReluTruncationOt.run(cot[0], z0, f, ReluTruncationOt.Mode.FAITHFUL, radix),
                s -> ReluTruncationOt.run(cot[1], z1, f, ReluTruncationOt.Mode.FAITHFUL, radix));
    }

    @Benchmark
    public ReluTruncation.Result reluGc() {
        current = "ReLU+trunc GC, n=" + n + ", f=" + f;
        currentElements = n;
        return tp.run(s -> ReluTruncation.run(gc[0], z0, f), s -> ReluTruncation.run(gc[1], z1, f));
    }

    @Benchmark
    public MaxPoolOt.Result maxPoolOt() {
        current = "max 2x2 OT, windows=" + WINDOWS + ", radix " + radix;
        currentElements = WINDOWS;
        return tp.run(s -> MaxPoolOt.run(cot[0], m0, 4, PositiveBit.FULL, radix),
                s -> MaxPoolOt.run(cot[1], m1, 4, PositiveBit.FULL, radix));
    }

    @Benchmark
    public MaxPoolCircuitProtocol.Result maxPoolGc() {
        current = "max 2x2 GC, windows=" + WINDOWS;
        currentElements = WINDOWS;
        return tp.run(s -> MaxPoolCircuitProtocol.run(gc[0], m0, 4), s -> MaxPoolCircuitProtocol.run(gc[1], m1, 4));
    }

    @Benchmark
    public long[] truncationOt() {
        current = "faithful truncation OT (silent), n=" + TRUNC + " by " + f;
        currentElements = TRUNC;
        return tp.run(s -> FaithfulTruncationOt.truncate(cot[0], t0, f),
                s -> FaithfulTruncationOt.truncate(cot[1], t1, f));
    }

    @Benchmark
    public long[] truncationIknp() {
        current = "faithful truncation IKNP ring COT (round 1), n=" + TRUNC + " by " + f;
        currentElements = TRUNC;
        ProtocolId id = ProtocolId.of("bench", "trunc");
        return tp.run(s -> FaithfulTruncation.truncate(tp.e0, t0, f, id),
                s -> FaithfulTruncation.truncate(tp.e1, t1, f, id));
    }

    @Benchmark
    public long[] bitTimesShareOt() {
        current = "bit times share OT (silent), n=" + n;
        currentElements = n;
        return tp.run(s -> Multiplexer.multiply(cot[0], d0, x0, n), s -> Multiplexer.multiply(cot[1], d1, x1, n));
    }

    @Benchmark
    public long[] bitTimesShareIknp() {
        current = "bit times share IKNP ring COT (round 1), n=" + n;
        currentElements = n;
        ProtocolId id = ProtocolId.of("bench", "bts");
        return tp.run(s -> BitTimesShare.multiply(tp.e0, d0, x0, n, id),
                s -> BitTimesShare.multiply(tp.e1, d1, x1, n, id));
    }
}
