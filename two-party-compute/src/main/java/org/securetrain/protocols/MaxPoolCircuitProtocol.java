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
 * Max-pool by garbled circuit (DESIGN.md 4.5): for n windows of k shared values each, fresh
 * additive shares of every window's maximum (signed, exact) and XOR shares of the one-hot argmax
 * (k bits per window; ties go to the lowest index, like the plaintext reference), kept for the
 * backward pass.
 *
 * <p>Input layout is window-major: value j of window i at index {@code i * k + j}; the argmax bits
 * use the same indexing ({@code bit i * k + j}, packed LSB-first). Per window the circuit adds the
 * shares of the k values (k × 63 ANDs), runs a tournament tree (k - 1 comparisons of 64 ANDs and
 * multiplexers of 64 ANDs, plus one AND per leaf per level for the one-hot vector), and masks:
 * max - r (63 ANDs) and onehot ⊕ ρ (free), with r, ρ the garbler's fresh random masks, which are
 * its shares. For k = 4: 703 ANDs per window.
 */
public final class MaxPoolCircuitProtocol {
    /** Largest window supported (the circuit grows linearly in k). */
    public static final int MAX_K = MaxPoolWindows.MAX_K;

    private static final ConcurrentHashMap<Integer, Circuit> CIRCUITS = new ConcurrentHashMap<>();

    private MaxPoolCircuitProtocol() {
    }

    /** This party's shares: {@code maxShare[i]} per window, and {@code argmaxBits} (n·k bits, window-major). */
    public record Result(long[] maxShare, long[] argmaxBits) {
    }

    public static Circuit circuit(int k) {
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("window size k = " + k + " is outside [1, " + MAX_K + "]");
        }
        return CIRCUITS.computeIfAbsent(k, MaxPoolCircuitProtocol::build);
    }

    private static Circuit build(int k) {
        CircuitBuilder b = new CircuitBuilder();
        int[][] g = new int[k][];
        for (int j = 0; j < k; j++) {
            g[j] = b.garblerInputs(64);
        }
        int[] r = b.garblerInputs(64);
        int[] rho = b.garblerInputs(k);
        int[][] v = new int[k][];
        for (int j = 0; j < k; j++) {
            v[j] = IntegerCircuits.add(b, g[j], b.evaluatorInputs(64));
        }
        IntegerCircuits.MaxArgmax m = IntegerCircuits.maxArgmax(b, v);
        b.outputs(IntegerCircuits.sub(b, m.max(), r));
        for (int j = 0; j < k; j++) {
            b.output(b.xor(m.oneHot()[j], rho[j]));
        }
        return b.build("maxpool/v1(w=64,k=" + k + ")");
    }

    /**
     * Both parties call this with their shares (same length, a multiple of k) and the same k.
     */
    public static Result run(GcProtocol gc, long[] valueShares, int k) {
        Objects.requireNonNull(gc, "gc");
        String problem = MaxPoolWindows.problem(valueShares, k);
        GcShareKernels.rejectIf(gc, problem == null ? null : "MaxPool: " + problem);
        Circuit c = circuit(k);
        int n = valueShares.length / k;
        int words = BitPlanes.words(n);
        long[] column = new long[n];
        if (gc.isGarbler()) {
            Prg prg = GcShareKernels.maskPrg();
            long[] r = prg.nextLongs(n);
            long[] planes = new long[(64 * k + 64 + k) * words];
            for (int j = 0; j < k; j++) {
                column(valueShares, k, j, column);
                BitPlanes.fromLongs(column, 64, planes, 64 * j);
            }
            BitPlanes.fromLongs(r, 64, planes, 64 * k);
            for (int j = 0; j < k; j++) {
                prg.fillBits(column, n); // reuse as a bit buffer of words(n) <= n longs
                System.arraycopy(column, 0, planes, (64 * k + 64 + j) * words, words);
            }
            gc.run(c, n, planes);
            return new Result(r, GcShareKernels.interleave(planes, 64 * k + 64, k, n));
        }
        long[] planes = new long[64 * k * words];
        for (int j = 0; j < k; j++) {
            column(valueShares, k, j, column);
            BitPlanes.fromLongs(column, 64, planes, 64 * j);
        }
        long[] out = gc.run(c, n, planes);
        return new Result(BitPlanes.toLongs(out, 0, 64, n), GcShareKernels.interleave(out, 64, k, n));
    }

    private static void column(long[] values, int k, int j, long[] dst) {
        for (int i = 0; i < dst.length; i++) {
            dst[i] = values[i * k + j];
        }
    }
}
