package org.securetrain.kernels;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.securetrain.crypto.gc.BitPlanes;
import org.securetrain.crypto.gc.Circuit;
import org.securetrain.crypto.gc.CircuitBuilder;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.gc.IntegerCircuits;
import org.securetrain.crypto.prg.Prg;

/**
 * Max and one-hot argmax over windows of k shared values in one garbled circuit per window
 * (DESIGN.md 4.5). Input: additive shares of n windows of k values, window-major. Output: fresh additive
 * shares of each window's maximum and XOR shares of the one-hot argmax (ties go to the lowest index,
 * like {@link InsecurePlaintextBackend}), which the backward pass keeps instead of comparing again.
 *
 * <p>Per window: k 64-bit adders reconstruct the values, a tournament tree of k - 1 signed comparators
 * and multiplexers finds the max and its one-hot index (IntegerCircuits.maxArgmax), and the outputs are
 * masked by the garbler's fresh randomness: the evaluator learns max - r and onehot XOR rho only.
 */
public final class MaxPoolCircuitProtocol {
    /** Window sizes beyond this are refused: the circuit grows linearly and no pooling layer needs more. */
    public static final int MAX_WINDOW = 64;

    private static final ConcurrentHashMap<Integer, Circuit> CIRCUITS = new ConcurrentHashMap<>();

    private MaxPoolCircuitProtocol() {
    }

    /** This party's shares: window maxima (n longs) and argmax bits (n·k bits packed, bit w·k + j). */
    public record Result(long[] maxShare, long[] argmaxBits) {
    }

    public static Circuit circuit(int k) {
        if (k < 1 || k > MAX_WINDOW) {
            throw new IllegalArgumentException("max-pool window of " + k + " values is outside [1, " + MAX_WINDOW + "]");
        }
        return CIRCUITS.computeIfAbsent(k, MaxPoolCircuitProtocol::build);
    }

    private static Circuit build(int k) {
        CircuitBuilder b = new CircuitBuilder();
        int[][] xg = new int[k][];
        for (int j = 0; j < k; j++) {
            xg[j] = b.garblerInputs(64);
        }
        int[] r = b.garblerInputs(64);
        int[] rho = b.garblerInputs(k);
        int[][] v = new int[k][];
        for (int j = 0; j < k; j++) {
            v[j] = IntegerCircuits.add(b, xg[j], b.evaluatorInputs(64));
        }
        IntegerCircuits.MaxArgmax m = IntegerCircuits.maxArgmax(b, v);
        b.outputs(IntegerCircuits.sub(b, m.max(), r));
        for (int j = 0; j < k; j++) {
            b.output(b.xor(m.oneHot()[j], rho[j]));
        }
        return b.build("maxpool/v1(w=64,k=" + k + ")");
    }

    /** Both parties call with their shares of the same n·k values and the same k. */
    public static Result run(GcProtocol gc, long[] values, int k) {
        Objects.requireNonNull(gc, "gc");
        String problem = values == null ? "MaxPool: values are null"
                : k < 1 || k > MAX_WINDOW ? "MaxPool: window of " + k + " values is outside [1, " + MAX_WINDOW + "]"
                : values.length % k != 0 ? "MaxPool: " + values.length + " values do not split into windows of " + k
                : null;
        GcShareKernels.rejectIf(gc, problem);
        Circuit c = circuit(k);
        int n = values.length / k;
        int words = BitPlanes.words(n);
        long[] planes = new long[(gc.isGarbler() ? 64 * k + 64 + k : 64 * k) * words];
        long[] column = new long[n];
        for (int j = 0; j < k; j++) {
            for (int w = 0; w < n; w++) {
                column[w] = values[w * k + j];
            }
            BitPlanes.fromLongs(column, 64, planes, 64 * j);
        }
        if (gc.isGarbler()) {
            Prg prg = GcShareKernels.maskPrg();
            long[] r = prg.nextLongs(n);
            BitPlanes.fromLongs(r, 64, planes, 64 * k);
            for (int j = 0; j < k; j++) {
                System.arraycopy(prg.nextBits(n), 0, planes, (64 * k + 64 + j) * words, words);
            }
            gc.run(c, n, planes);
            return new Result(r, GcShareKernels.interleave(planes, 64 * k + 64, k, n));
        }
        long[] out = gc.run(c, n, planes);
        return new Result(BitPlanes.toLongs(out, 0, 64, n), GcShareKernels.interleave(out, 64, k, n));
    }
}
