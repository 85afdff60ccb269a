package org.securetrain.bench.ot;

import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.protocols.nonlinear.CotChannel;
import org.securetrain.protocols.nonlinear.ElementwiseProduct;
import org.securetrain.runtime.ProtocolId;

/**
 * The element-wise product and square of shared vectors ({@link ElementwiseProduct}: Gilboa's product on random
 * COTs), per element: on Ferret silent OT (the OT engine's source) and on IKNP random COTs (the GC engine's). Both
 * parties in one process over the in-memory transport; base OTs and the Ferret bootstrap are set up before the
 * measurement (Ferret extensions happen inside when the pool runs dry: 128 COTs per product element). After each
 * iteration: bytes per element (both directions), party 0's flights per call (the COT source's refills included,
 * per step), CPU time per element. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar ProductBench -f 1 -wi 2 -i 3}.
 */
public class ProductBench extends LabelledTwoPartyBench {
    /** Elements per call. */
    @Param({"16384"})
    public int n;

    CotChannel[] silent;
    CotChannel[] iknp = new CotChannel[2];
    long[] x0, x1, y0, y1;

    @Setup(Level.Trial)
    public void setUp() {
        tp = new TwoParties();
        ProtocolId id = ProtocolId.of("bench", "product");
        silent = tp.silentCots(id);
        ProtocolId ik = ProtocolId.of("bench", "product-iknp");
        tp.run(x -> iknp[0] = CotChannel.iknp(tp.e0, ik, 1 << 18), x -> iknp[1] = CotChannel.iknp(tp.e1, ik, 1 << 18));
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        x0 = g.nextLongs(n);
        x1 = g.nextLongs(n);
        y0 = g.nextLongs(n);
        y1 = g.nextLongs(n);
        productSilent(); // Ferret's first extension and the JIT's first compilations
        tp.mark();
    }

    @Benchmark
    public long[] productSilent() {
        current = "element-wise product (silent COTs), n=" + n;
        currentElements = n;
        return tp.run(s -> ElementwiseProduct.multiply(silent[0], x0, y0),
                s -> ElementwiseProduct.multiply(silent[1], x1, y1));
    }

    @Benchmark
    public long[] squareSilent() {
        current = "element-wise square (silent COTs), n=" + n;
        currentElements = n;
        return tp.run(s -> ElementwiseProduct.square(silent[0], x0), s -> ElementwiseProduct.square(silent[1], x1));
    }

    @Benchmark
    public long[] productIknp() {
        current = "element-wise product (IKNP COTs, GC engine), n=" + n;
        currentElements = n;
        return tp.run(s -> ElementwiseProduct.multiply(iknp[0], x0, y0),
                s -> ElementwiseProduct.multiply(iknp[1], x1, y1));
    }
}
