package org.securetrain.bench.he;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The same negacyclic NTT (Cooley-Tukey, bit-reversed Shoup twiddles from the smallest primitive root,
 * Harvey lazy butterflies in [0, 4p), final reduction) written in C, compiled with
 * {@code gcc -O3 -march=native} into a temporary directory and timed in a separate process, so the
 * Java figure can be compared with native code in the same benchmark run. The C program prints a
 * checksum of the transform of a fixed input, which the caller compares with the Java transform.
 */
public final class NativeNtt {
    private NativeNtt() {
    }

    /** Result of the native run: median nanoseconds per forward transform and the output checksum. */
    public record Result(double nanosPerTransform, long checksum, String compiler) {
    }

    static final String SOURCE = """
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <time.h>
            typedef unsigned __int128 u128;
            static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t p) { return (uint64_t)(((u128)a * b) % p); }
            static uint64_t powmod(uint64_t b, uint64_t e, uint64_t p) {
                uint64_t r = 1; b %= p;
                while (e) { if (e & 1) r = mulmod(r, b, p); b = mulmod(b, b, p); e >>= 1; }
                return r;
            }
            static unsigned rev(unsigned x, int bits) { unsigned r = 0; for (int i = 0; i < bits; i++) { r = (r << 1) | (x & 1); x >>= 1; } return r; }
            static void forward(uint64_t *a, int n, uint64_t p, const uint64_t *w, const uint64_t *ws) {
                const uint64_t twoP = 2 * p;
                int t = n;
                for (int m = 1; m < n; m <<= 1) {
                    t >>= 1;
                    for (int i = 0; i < m; i++) {
                        const uint64_t wi = w[m + i], wsi = ws[m + i];
                        uint64_t *x = a + 2 * i * t, *y = x + t;
                        for (int j = 0; j < t; j++) {
                            uint64_t u = x[j]; u = u >= twoP ? u - twoP : u;
                            uint64_t v = y[j];
                            uint64_t q = wi * v - (uint64_t)(((u128)wsi * v) >> 64) * p;
                            x[j] = u + q;
                            y[j] = u - q + twoP;
                        }
                    }
                }
                for (int j = 0; j < n; j++) { uint64_t u = a[j]; u = u >= twoP ? u - twoP : u; a[j] = u >= p ? u - p : u; }
            }
            static int cmp(const void *x, const void *y) { double a = *(const double*)x, b = *(const double*)y; return (a > b) - (a < b); }
            int main(int argc, char **argv) {
                uint64_t p = strtoull(argv[1], 0, 10); int n = atoi(argv[2]); int iters = atoi(argv[3]); int reps = atoi(argv[4]);
                int logn = 0; while ((1 << logn) < n) logn++;
                uint64_t psi = 0;
                for (uint64_t g = 2; g < 10000; g++) { psi = powmod(g, (p - 1) / (2 * (uint64_t)n), p); if (powmod(psi, n, p) == p - 1) break; }
                uint64_t *w = malloc(8 * n), *ws = malloc(8 * n), *a = malloc(8 * n);
                uint64_t pw = 1;
                for (int i = 0; i < n; i++) { unsigned r = rev(i, logn); w[r] = pw; ws[r] = (uint64_t)(((u128)pw << 64) / p); pw = mulmod(pw, psi, p); }
                for (int i = 0; i < n; i++) a[i] = (uint64_t)(((u128)(i + 1) * 0x9E3779B97F4A7C15ULL) % p);
                forward(a, n, p, w, ws);
                uint64_t sum = 0; for (int i = 0; i < n; i++) sum += a[i] * (uint64_t)(i + 1);
                double *t = malloc(sizeof(double) * reps);
                for (int r = 0; r < reps; r++) {
                    struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
                    for (int it = 0; it < iters; it++) forward(a, n, p, w, ws);
                    clock_gettime(CLOCK_MONOTONIC, &t1);
                    t[r] = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / iters;
                }
                qsort(t, reps, sizeof(double), cmp);
                printf("%.1f %llu\\n", t[reps / 2], (unsigned long long)sum);
                return 0;
            }
            """;

    /** Compiles and runs the C NTT; returns null (with a message on stderr) if gcc is not available. */
    public static Result run(long p, int n, int iters, int reps) {
        try {
            Path dir = Files.createTempDirectory("securetrain-ntt");
            Path src = dir.resolve("ntt.c");
            Path bin = dir.resolve("ntt");
            Files.writeString(src, SOURCE, StandardCharsets.US_ASCII);
            List<String> cc = List.of("gcc", "-O3", "-march=native", "-o", bin.toString(), src.toString());
            String compileOut = exec(cc, 120);
            if (!Files.exists(bin)) {
                System.err.println("native NTT: compilation failed: " + compileOut);
                return null;
            }
            String out = exec(List.of(bin.toString(), Long.toString(p), Integer.toString(n), Integer.toString(iters),
                    Integer.toString(reps)), 300).trim();
            String version = exec(List.of("gcc", "-dumpfullversion"), 30).trim();
            String[] parts = out.split("\\s+");
            return new Result(Double.parseDouble(parts[0]), Long.parseUnsignedLong(parts[1]), "gcc " + version
                    + " -O3 -march=native");
        } catch (IOException | RuntimeException e) {
            System.err.println("native NTT unavailable: " + e);
            return null;
        }
    }

    /** Checksum of the Java forward transform of the same fixed input. */
    public static long javaChecksum(org.securetrain.crypto.he.HePrimitives he, int prime) {
        long p = he.prime(prime);
        int n = he.n();
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = java.math.BigInteger.valueOf(i + 1).multiply(new java.math.BigInteger(Long.toUnsignedString(0x9E3779B97F4A7C15L)))
                    .mod(java.math.BigInteger.valueOf(p)).longValue();
        }
        he.forwardNtt(prime, a);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += a[i] * (long) (i + 1);
        }
        return sum;
    }

    private static String exec(List<String> cmd, int timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
        Process proc = pb.start();
        try {
            if (!proc.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                throw new IOException("timed out: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proc.destroyForcibly();
            throw new IOException("interrupted: " + cmd);
        }
        return new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
