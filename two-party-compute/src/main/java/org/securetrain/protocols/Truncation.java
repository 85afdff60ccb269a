package org.securetrain.protocols;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.securetrain.crypto.gc.BitPlanes;
import org.securetrain.crypto.gc.Circuit;
import org.securetrain.crypto.gc.CircuitBuilder;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.gc.IntegerCircuits;
import org.securetrain.crypto.prg.Prg;

/**
 * Exact truncation by garbled circuit: from additive shares of x over Z_2^64 produces fresh shares
 * of floor(x / 2^f) (arithmetic shift of the reconstructed x, so bit-exact for every x, no range
 * condition and no probabilistic wrap-around error). The circuit is {@link ReluTruncation}'s
 * without the ReLU: x = xG + xE (63 ANDs), out = (x >> f) - r (63 ANDs), r the garbler's fresh mask;
 * the garbler's share is r, the evaluator's x >> f - r.
 *
 * <p>Costlier than an OT-based faithful truncation (about 4 KB per element against roughly one OT),
 * but exact; use it where exactness matters or for tensors of moderate size.
 */
public final class Truncation {
    public static final int MAX_F = 62;

    private static final ConcurrentHashMap<Integer, Circuit> CIRCUITS = new ConcurrentHashMap<>();

    private Truncation() {
    }

    public static Circuit circuit(int f) {
        if (f < 0 || f > MAX_F) {
            throw new IllegalArgumentException("truncation f = " + f + " is outside [0, " + MAX_F + "]");
        }
        return CIRCUITS.computeIfAbsent(f, Truncation::build);
    }

    private static Circuit build(int f) {
        CircuitBuilder b = new CircuitBuilder();
        int[] xG = b.garblerInputs(64);
        int[] r = b.garblerInputs(64);
        int[] xE = b.evaluatorInputs(64);
        int[] x = IntegerCircuits.add(b, xG, xE);
        b.outputs(IntegerCircuits.sub(b, IntegerCircuits.shiftRightArithmetic(x, f), r));
        return b.build("trunc/v1(w=64,f=" + f + ")");
    }

    /** Both parties call this with their share of x (same length) and the same f in [0, 62]; returns this party's share. */
    public static long[] run(GcProtocol gc, long[] xShare, int f) {
        Objects.requireNonNull(gc, "gc");
        String problem = xShare == null ? "Truncation: xShare is null"
                : f < 0 || f > MAX_F ? "Truncation: truncation f = " + f + " is outside [0, " + MAX_F + "]" : null;
        GcShareKernels.rejectIf(gc, problem);
        Circuit c = circuit(f);
        int n = xShare.length;
        int words = BitPlanes.words(n);
        if (gc.isGarbler()) {
            Prg prg = GcShareKernels.maskPrg();
            long[] r = prg.nextLongs(n);
            long[] planes = new long[128 * words];
            BitPlanes.fromLongs(xShare, 64, planes, 0);
            BitPlanes.fromLongs(r, 64, planes, 64);
            gc.run(c, n, planes);
            return r;
        }
        long[] out = gc.run(c, n, BitPlanes.fromLongs(xShare, 64));
        return BitPlanes.toLongs(out, 0, 64, n);
    }
}
