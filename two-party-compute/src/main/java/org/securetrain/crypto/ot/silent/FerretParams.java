package org.securetrain.crypto.ot.silent;

import java.util.Objects;

/**
 * One Ferret parameter set: primal LPN with a local linear code of row weight {@link #ROW_WEIGHT},
 * secret length k = 2^logk, t regular-noise blocks of 2^depth rows each (one GGM tree of that depth per
 * block), n = t * 2^depth outputs per iteration, of which {@link #reserved()} = k + t * depth feed the
 * next iteration and the rest are served to the caller. Immutable and validated.
 *
 * <p>The presets are emp-ot's {@code ferret_b10..b13} (emp-toolkit/emp-ot, {@code emp-ot/tuning.h},
 * v1.0.0-alpha.1, July 2026), sized for about 128-bit security against the published regular-LPN
 * attacks, including the algebraic attack of Briaud and Øygarden (Eurocrypt 2023), as estimated with
 * the LPN estimator of Yu, Yang, Wang et al. (lpnestimator.com, 2025); see docs/security/silent-ot.md.
 * They are security parameters: never change them for speed.
 *
 * <p>{@link #batchTrees()} is part of the protocol, not a tuning knob: trees are expanded and encoded
 * in batches of that many, and the order of a batch's rows (tree-interleaved, see {@link HalfTree})
 * depends on it, so both parties must agree (they do: it is derived from the depth).
 */
public final class FerretParams {
    /** Positions of the k-vector XORed into each output row (the "d" of the local linear code). */
    public static final int ROW_WEIGHT = 10;

    /** emp-ot ferret_b13: t = 1900, k = 2^19, trees of depth 13; n = 15,564,800 per iteration. */
    public static final FerretParams B13 = new FerretParams("ferret_b13", 1900, 19, 13, true);
    /** emp-ot ferret_b12: t = 1520, k = 2^18, depth 12; n = 6,225,920. */
    public static final FerretParams B12 = new FerretParams("ferret_b12", 1520, 18, 12, true);
    /** emp-ot ferret_b11: t = 1170, k = 2^17, depth 11; n = 2,396,160. */
    public static final FerretParams B11 = new FerretParams("ferret_b11", 1170, 17, 11, true);
    /** emp-ot ferret_b10: t = 850, k = 2^16, depth 10; n = 870,400. Also the bootstrap stage of the others. */
    public static final FerretParams B10 = new FerretParams("ferret_b10", 850, 16, 10, true);

    /**
     * The default, chosen by measurement (docs/BENCHMARKS.md, SilentOtCpuProbe): ferret_b11's 2 MiB LPN
     * table keeps the code's random reads in cache, so it costs about half the CPU per COT of ferret_b13
     * (8 MiB) on this project's machines, for 0.73 instead of 0.21 bit per COT. Per COT that is faster on
     * every link faster than about 15 Mbit/s. Take {@link #B13} where bytes matter more than CPU.
     */
    public static final FerretParams DEFAULT = B11;

    private final String name;
    private final int t;
    private final int logk;
    private final int depth;
    private final boolean published;

    private FerretParams(String name, int t, int logk, int depth, boolean published) {
        this.name = Objects.requireNonNull(name, "name");
        if (t < 1 || t > 1 << 20) {
            throw new IllegalArgumentException("Ferret " + name + ": t (trees) must be in [1, 2^20], got " + t);
        }
        if (logk < 4 || logk > 26) {
            throw new IllegalArgumentException("Ferret " + name + ": logk must be in [4, 26], got " + logk);
        }
        if (depth < 2 || depth > 20) {
            throw new IllegalArgumentException("Ferret " + name + ": tree depth must be in [2, 20], got " + depth);
        }
        long n = (long) t << depth;
        if (n > 1 << 28) {
            throw new IllegalArgumentException("Ferret " + name + ": n = t * 2^depth = " + n + " exceeds 2^28");
        }
        long reserved = (1L << logk) + (long) t * depth;
        if (reserved >= n) {
            throw new IllegalArgumentException("Ferret " + name + ": an iteration (n = " + n
                    + ") does not even refill its own base COTs (k + t * depth = " + reserved + ")");
        }
        this.t = t;
        this.logk = logk;
        this.depth = depth;
        this.published = published;
    }

    /**
     * A parameter set that is NOT one of the published ones and has no security claim: for tests that
     * need small iterations (many refills, exhaustive reference checks). Never use it in a deployment.
     */
    static FerretParams insecureForTests(int t, int logk, int depth) {
        return new FerretParams("insecure-test(t=" + t + ",logk=" + logk + ",depth=" + depth + ")", t, logk, depth,
                false);
    }

    /** The preset of this name ("ferret_b10" .. "ferret_b13"). */
    public static FerretParams named(String name) {
        for (FerretParams p : new FerretParams[] {B10, B11, B12, B13}) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown Ferret parameter set '" + name
                + "' (known: ferret_b10, ferret_b11, ferret_b12, ferret_b13)");
    }

    public String name() {
        return name;
    }

    /** Number of regular-noise blocks = GGM trees per iteration. */
    public int trees() {
        return t;
    }

    public int logk() {
        return logk;
    }

    /** LPN secret length k = 2^logk (COTs of the previous iteration). */
    public int k() {
        return 1 << logk;
    }

    /** GGM tree depth = log2 of the rows per noise block. */
    public int depth() {
        return depth;
    }

    /** Rows per noise block (leaves per tree). */
    public int leavesPerTree() {
        return 1 << depth;
    }

    /** Outputs per iteration, n = t * 2^depth. */
    public int n() {
        return t << depth;
    }

    /** COTs of each iteration kept as the next iteration's base: k (LPN secret) + t * depth (tree COTs). */
    public int reserved() {
        return k() + t * depth;
    }

    /** COTs each iteration serves to the caller: n - reserved. */
    public int outputsPerIteration() {
        return n() - reserved();
    }

    /** Trees expanded and encoded together (about 2^16 rows per batch); fixes the row order. */
    public int batchTrees() {
        return Math.min(t, 1 << Math.max(0, 16 - depth));
    }

    /** Number of batches per iteration. */
    public int batches() {
        return (t + batchTrees() - 1) / batchTrees();
    }

    /** Bytes the sender sends per iteration: one 128-bit correction per tree level, plus a 5-long header. */
    public long bytesPerIteration() {
        return 16L * t * depth + 8L * FerretWire.EXTEND_HEADER_LONGS;
    }

    /** True for the published presets, false for {@link #insecureForTests}. */
    public boolean isPublished() {
        return published;
    }

    /**
     * The parameter set whose single iteration bootstraps this one, or null to bootstrap straight from
     * IKNP. Like emp-ot's tiered bootstrap, but decided by bytes: go through one ferret_b10 iteration
     * whenever IKNP for b10's base plus that iteration's corrections is less traffic than IKNP for this
     * set's own base (16 bytes per IKNP COT): true for b11 (1.32 MB instead of 2.30 MB), b12 and b13
     * (1.32 MB instead of 8.8 MB). One b10 iteration serves 796,364 COTs, more than any preset's base.
     */
    public FerretParams bootstrapStage() {
        if (this.equals(B10)) {
            return null;
        }
        long direct = 16L * reserved();
        long nested = 16L * B10.reserved() + B10.bytesPerIteration();
        return nested < direct ? B10 : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FerretParams p && p.t == t && p.logk == logk && p.depth == depth;
    }

    @Override
    public int hashCode() {
        return Objects.hash(t, logk, depth);
    }

    @Override
    public String toString() {
        return name + " (t=" + t + ", k=2^" + logk + ", depth=" + depth + ", n=" + n() + ", per iteration "
                + outputsPerIteration() + " COTs for " + bytesPerIteration() + " bytes)";
    }
}
