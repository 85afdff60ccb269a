package org.securetrain.protocols;

import java.util.Objects;
import org.securetrain.crypto.gc.BitPlanes;
import org.securetrain.crypto.gc.Circuit;
import org.securetrain.crypto.gc.CircuitBuilder;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.gc.IntegerCircuits;
import org.securetrain.crypto.prg.Prg;

/**
 * Exact signed comparison with zero in one garbled circuit: from additive shares of z over Z_2^64 it produces
 * XOR shares of d = [z &gt; 0] (strict: z = 0 and z = -2^63 give 0). The building block of every comparison a
 * layer needs against a public constant c: [x &gt; c] is [x - c &gt; 0], and x - c is local on shares.
 *
 * <p>Per element (party {@code gc.garblerParty()} garbles):
 * <pre>
 *   z = zG + zE          63 ANDs (bit 0 of the sum needs none)
 *   d = ¬z63 ∧ OR(z0..z62)   63 ANDs
 *   dOut = d ⊕ ρ         free
 * </pre>
 * ρ is the garbler's fresh random mask bit, its share; the evaluator learns d ⊕ ρ and nothing else. This is the
 * garbled-circuit version of the contract; the OT engine computes the same bit with a millionaire protocol.
 */
public final class PositiveBitCircuit {
    private static final Circuit CIRCUIT = build();

    private PositiveBitCircuit() {
    }

    /** The per-element circuit. */
    public static Circuit circuit() {
        return CIRCUIT;
    }

    private static Circuit build() {
        CircuitBuilder b = new CircuitBuilder();
        int[] zG = b.garblerInputs(64);
        int rho = b.garblerInput();
        int[] zE = b.evaluatorInputs(64);
        int d = IntegerCircuits.greaterThanZero(b, IntegerCircuits.add(b, zG, zE));
        b.output(b.xor(d, rho));
        return b.build("positive/v1(w=64)");
    }

    /**
     * This party's XOR shares of [z_i &gt; 0], packed LSB-first (bits past n zero). Both parties call it with their
     * share of z (same length n &ge; 0); mismatches fail at both.
     */
    public static long[] run(GcProtocol gc, long[] zShare) {
        Objects.requireNonNull(gc, "gc");
        GcShareKernels.rejectIf(gc, zShare == null ? "PositiveBitCircuit: zShare is null" : null);
        int n = zShare.length;
        int words = BitPlanes.words(n);
        if (gc.isGarbler()) {
            Prg prg = GcShareKernels.maskPrg();
            long[] rho = prg.nextBits(n);
            long[] planes = new long[65 * words];
            BitPlanes.fromLongs(zShare, 64, planes, 0);
            System.arraycopy(rho, 0, planes, 64 * words, words);
            gc.run(CIRCUIT, n, planes);
            return rho;
        }
        long[] out = gc.run(CIRCUIT, n, BitPlanes.fromLongs(zShare, 64));
        long[] d = new long[words];
        System.arraycopy(out, 0, d, 0, words);
        return d;
    }
}
