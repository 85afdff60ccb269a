package org.securetrain.protocols;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.securetrain.crypto.gc.BitPlanes;
import org.securetrain.crypto.gc.Circuit;
import org.securetrain.crypto.gc.CircuitBuilder;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.gc.IntegerCircuits;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;

/**
 * Exact ReLU with truncation and its derivative in one garbled circuit (DESIGN.md 4.3). From
 * additive shares of z over Z_2^64 (scale 2f) it produces fresh additive shares of
 * y = [z > 0] · floor(z / 2^f) (scale f) and XOR shares of d = [z > 0]. Bit-exact: z is reconstructed
 * inside the circuit, the comparison is signed and strict (z = 0 and z = -2^63 give d = 0), and the
 * floor is an arithmetic shift, so there is no rounding and no wrap-around error anywhere.
 *
 * <p>Per element, the circuit (party {@code gc.garblerParty()} garbles):
 * <pre>
 *   z = zG + zE                          63 ANDs (1 of them a half-gate: bit 0 of zG is garbler-known)
 *   d = ¬z63 ∧ OR(z0..z62)               63 ANDs
 *   y_i = ¬z63 ∧ z_{i+f}, i &lt; 63 - f      63 - f ANDs (higher bits of y are constant 0)
 *   out = y - r                          63 ANDs (f+1 of them half-gates: y's high bits are 0)
 *   dOut = d ⊕ ρ                         free
 * </pre>
 * r (64 bits) and ρ (1 bit) are the garbler's fresh random masks: the garbler's shares are (r, ρ),
 * the evaluator learns (y - r, d ⊕ ρ) and nothing else. See {@link #circuit(int)} for exact counts.
 *
 * <p>Both parties call {@link #run} with their own share, the same f and the same n; mismatches fail
 * both parties with an {@link org.securetrain.runtime.AgreementException} naming both runs (the party whose
 * own arguments are invalid throws {@link IllegalArgumentException} and ends the session with the reason).
 */
public final class ReluTruncation {
    /** Maximum truncation: the shifted value must keep a sign bit. */
    public static final int MAX_F = 62;

    private static final ConcurrentHashMap<Integer, Circuit> CIRCUITS = new ConcurrentHashMap<>();

    private ReluTruncation() {
    }

    /**
     * This party's shares: {@code yShare[i]} (scale f) with y = y0 + y1 mod 2^64, and {@code dBits}
     * packed LSB-first (bit i is {@code dBits[i >>> 6] >>> (i & 63) & 1}, bits past n zero) with
     * d = d0 ⊕ d1.
     */
    public record Result(long[] yShare, long[] dBits) {
    }

    /** The per-element circuit for truncation by f bits (cached). */
    public static Circuit circuit(int f) {
        checkF(f);
        return CIRCUITS.computeIfAbsent(f, ReluTruncation::build);
    }

    private static Circuit build(int f) {
        CircuitBuilder b = new CircuitBuilder();
        int[] zG = b.garblerInputs(64);
        int[] r = b.garblerInputs(64);
        int rho = b.garblerInput();
        int[] zE = b.evaluatorInputs(64);
        int[] z = IntegerCircuits.add(b, zG, zE);
        int d = IntegerCircuits.greaterThanZero(b, z);
        // y = d ? floor(z / 2^f) : 0 equals (z >= 0) ? floor(z / 2^f) : 0, because floor(0 / 2^f) = 0;
        // gating on the sign alone keeps y off the OR tree's critical path.
        int[] y = IntegerCircuits.andBit(b, b.not(IntegerCircuits.isNegative(z)),
                IntegerCircuits.shiftRightArithmetic(z, f));
        b.outputs(IntegerCircuits.sub(b, y, r));
        b.output(b.xor(d, rho));
        return b.build("relu-trunc/v1(w=64,f=" + f + ")");
    }

    private static void checkF(int f) {
        if (f < 0 || f > MAX_F) {
            throw new IllegalArgumentException("truncation f = " + f + " is outside [0, " + MAX_F + "]");
        }
    }

    /** Opens a garbled-circuit instance with id "relu" (party 0 garbles) and runs once. Keep a
     *  {@link GcProtocol} and use {@link #run(GcProtocol, long[], int)} for repeated calls. */
    public static Result run(Session s, OtEngine ot, long[] zShare, int f) {
        return run(GcProtocol.open(s, ot, ProtocolId.of("relu")), zShare, f);
    }

    /**
     * Runs the protocol; both parties call it with their share of z (same length n ≥ 0) and the same f
     * in [0, 62].
     */
    public static Result run(GcProtocol gc, long[] zShare, int f) {
        Objects.requireNonNull(gc, "gc");
        String problem = zShare == null ? "ReluTruncation: zShare is null"
                : f < 0 || f > MAX_F ? "ReluTruncation: truncation f = " + f + " is outside [0, " + MAX_F + "]" : null;
        GcShareKernels.rejectIf(gc, problem);
        Circuit c = circuit(f);
        int n = zShare.length;
        int words = BitPlanes.words(n);
        if (gc.isGarbler()) {
            Prg prg = GcShareKernels.maskPrg();
            long[] r = prg.nextLongs(n);
            long[] rho = prg.nextBits(n);
            long[] planes = new long[129 * words];
            BitPlanes.fromLongs(zShare, 64, planes, 0);
            BitPlanes.fromLongs(r, 64, planes, 64);
            System.arraycopy(rho, 0, planes, 128 * words, words);
            gc.run(c, n, planes);
            return new Result(r, rho);
        }
        long[] out = gc.run(c, n, BitPlanes.fromLongs(zShare, 64));
        long[] y = BitPlanes.toLongs(out, 0, 64, n);
        long[] d = new long[words];
        System.arraycopy(out, 64 * words, d, 0, words);
        return new Result(y, d);
    }
}
