package org.securetrain.bench.he;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.crypto.he.HePrimitives;
import org.securetrain.crypto.he.NoiseBudget;

/**
 * Single-polynomial HE primitives at N = 8192: forward/inverse NTT (one 55-bit prime), pointwise Shoup
 * multiply (for comparison with PERFORMANCE-NOTES), and the per-polynomial steps of a product:
 * encrypting one ciphertext, encoding one plaintext (4 NTTs), one plaintext-ciphertext product
 * (both components, 4 primes, exact accumulation; amortised over the evaluator's groups of terms),
 * finishing one output ciphertext (re-randomise, flood, switch, extract 64 coefficients) and decrypting
 * it. Two benchmarks follow the hotspot pass of docs/PROFILING.md: encoding a coefficient-encoded
 * plaintext block of the 128x784 by 784x128 product (blocks 8x32x32: 8 runs of 32 non-zeros, pruned
 * NTT) and one whole output ciphertext of that product (25 products, then finish). forwardNtt also compiles and times the
 * same NTT in C (gcc -O3 -march=native) and prints the comparison at the end of its trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class HePrimitivesBench {
    HePrimitives he;
    long[] a;
    long[] b;
    long[] bShoup;
    long[] out;
    long[] message;
    long[] c0;
    long[] c1;
    long[] pt;
    long[] signed;
    long[] sparseBlock;
    long[][] rowC0;
    long[][] rowC1;
    long[][] rowPt;
    long[] finished;
    int flood;

    @Setup
    public void setup() {
        he = new HePrimitives(HeParameters.standard());
        a = he.randomResidues(0, 1);
        b = he.randomResidues(0, 2);
        bShoup = he.shoupConstants(0, b);
        out = new long[a.length];
        SplittableRandom r = new SplittableRandom(3);
        message = new long[he.n()];
        signed = new long[he.n()];
        for (int i = 0; i < message.length; i++) {
            message[i] = r.nextLong();
            signed[i] = r.nextLong();
        }
        // a P block of plan 8x32x32: row i, inner l at X^(i*32*32 + 31 - l)
        sparseBlock = new long[he.n()];
        for (int i = 0; i < 8; i++) {
            for (int l = 0; l < 32; l++) {
                sparseBlock[i * 32 * 32 + 31 - l] = r.nextLong() >> 40; // fixed-point sized entries
            }
        }
        rowC0 = new long[25][];
        rowC1 = new long[25][];
        rowPt = new long[25][];
        for (int t = 0; t < 25; t++) {
            rowC0[t] = he.encrypt(message, 100 + t);
            rowC1[t] = he.expandUniform(100 + t);
            rowPt[t] = he.sparsePlaintextNtt(sparseBlock, 8, 32, 32);
        }
        c0 = he.encrypt(message, 0);
        c1 = he.expandUniform(0);
        pt = he.plaintextNtt(signed);
        flood = NoiseBudget.floodBits(HeParameters.standard(), he.n(), 64);
        he.multiplyAccumulate(c0, c1, pt);
        finished = he.finish(64, flood);
    }

    /** The C build of the same NTT, run once per trial of {@link #forwardNtt}. */
    @State(Scope.Thread)
    public static class Native {
        NativeNtt.Result result;
        long javaChecksum;

        @Setup(Level.Trial)
        public void compileAndRun() {
            HePrimitives he = new HePrimitives(HeParameters.standard());
            javaChecksum = NativeNtt.javaChecksum(he, 0);
            result = NativeNtt.run(he.prime(0), he.n(), 2000, 15);
        }

        @TearDown(Level.Trial)
        public void report() {
            if (result == null) {
                System.out.println("\n[he] native NTT comparison unavailable (no gcc)");
                return;
            }
            System.out.printf("%n[he] C forward NTT N=8192 (%s): %.1f us per transform; checksum %s the Java transform%n",
                    result.compiler(), result.nanosPerTransform() / 1000,
                    result.checksum() == javaChecksum ? "matches" : "DIFFERS FROM");
        }
    }

    @Benchmark
    public long[] forwardNtt(Native nativeRun) {
        he.forwardNtt(0, a); // repeated in place: any input below 4p is valid
        return a;
    }

    @Benchmark
    public long[] inverseNtt() {
        he.inverseNtt(0, a);
        return a;
    }

    @Benchmark
    public long[] pointwiseShoupMultiply() {
        he.pointwiseShoup(0, a, b, bShoup, out);
        return out;
    }

    @Benchmark
    public long[] encryptOneCiphertext() {
        return he.encrypt(message, 1);
    }

    @Benchmark
    public long[] encodePlaintextNtt() {
        return he.plaintextNtt(signed);
    }

    @Benchmark
    public long[] encodeSparsePlaintextBlock() {
        return he.sparsePlaintextNtt(sparseBlock, 8, 32, 32);
    }

    /** The multiplier's work per output ciphertext of the 128x784 by 784x128 product: 25 terms + finish. */
    @Benchmark
    public long[] outputCiphertextOf25Products() {
        for (int t = 0; t < 25; t++) {
            he.multiplyAccumulate(rowC0[t], rowC1[t], rowPt[t]);
        }
        return he.finish(256, flood);
    }

    @Benchmark
    public void plaintextCiphertextProduct() {
        he.multiplyAccumulate(c0, c1, pt);
    }

    @Benchmark
    public long[] finishOutputCiphertext() {
        he.multiplyAccumulate(c0, c1, pt);
        return he.finish(64, flood);
    }

    @Benchmark
    public long[] decryptOutputCiphertext() {
        return he.decrypt(finished, 64);
    }
}
