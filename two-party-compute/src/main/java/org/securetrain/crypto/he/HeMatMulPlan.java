package org.securetrain.crypto.he;

/**
 * Blocking of one HE cross product Z = P * E (P: r x k in the multiplier's clear, E: k x c encrypted by
 * the key owner) into polynomials with Cheetah's coefficient encoding, with no rotation:
 * <pre>
 *   E block (k_w x c_w)  ->  e(X) = sum_{l,j} E[l][j] X^(l + k_w j)
 *   P block (r_w x k_w)  ->  p(X) = sum_{i,l} P[i][l] X^(i k_w c_w + k_w - 1 - l)
 *   (p e)(X) has Z[i][j] = sum_l P[i][l] E[l][j] at X^(i k_w c_w + j k_w + k_w - 1)
 * </pre>
 * which needs r_w k_w c_w &lt;= N (other products land on exponents that are not = k_w - 1 mod k_w, or wrap
 * negacyclically onto exponents below k_w - 1, neither of which is an output position). Products over
 * the k/k_w inner blocks are summed in the ciphertext, so one output ciphertext carries r_w x c_w
 * results and T = r_w k plaintext terms reach each of its coefficients: T is bounded by the noise
 * budget ({@link NoiseBudget}). The block sizes minimise a cost model (compute estimate plus bytes
 * weighted by the planner link speed); both parties compute the same plan from public shapes.
 */
public final class HeMatMulPlan {
    // cost model in picoseconds, measured on the project machine (thread CPU time, N = 8192, one prime)
    static final long NTT_PS = 120_000_000L; // dense forward or inverse NTT
    static final long SPARSE_NTT_PS = 85_000_000L; // pruned forward NTT of a plaintext block
    static final long MAC_PS = 1_250; // one 128-bit multiply-accumulate per coefficient and prime
    static final long ROUND_PS_PER_COEFF = 40_000; // exact CRT rounding per coefficient
    static final long MAX_INPUT_BYTES = 1L << 30;

    public final int rows;
    public final int inner;
    public final int cols;
    public final int rowBlock;
    public final int innerBlock;
    public final int colBlock;
    public final int floodBits;
    /**
     * Both cross terms in one reply ({@link HeJointProduct}): the key owner encrypts its P share in the P layout and
     * its E share in the E layout, the multiplier sums both products into each output ciphertext.
     */
    public final boolean joint;
    private final long costPicos;

    private HeMatMulPlan(int rows, int inner, int cols, int rowBlock, int innerBlock, int colBlock, int floodBits,
            boolean joint, long costPicos) {
        this.rows = rows;
        this.inner = inner;
        this.cols = cols;
        this.rowBlock = rowBlock;
        this.innerBlock = innerBlock;
        this.colBlock = colBlock;
        this.floodBits = floodBits;
        this.joint = joint;
        this.costPicos = costPicos;
    }

    public int rowBlocks() {
        return ceilDiv(rows, rowBlock);
    }

    public int innerBlocks() {
        return ceilDiv(inner, innerBlock);
    }

    public int colBlocks() {
        return ceilDiv(cols, colBlock);
    }

    /** Ciphertexts the key owner sends (E blocks; in a joint plan also its P blocks). */
    public int inputCiphertexts() {
        return innerBlocks() * colBlocks() + (joint ? plainCiphertexts() : 0);
    }

    /** P blocks (row block x inner block): the plaintext polynomials of a cross term, encrypted in a joint plan. */
    int plainCiphertexts() {
        return rowBlocks() * innerBlocks();
    }

    /** Ciphertexts the multiplier returns. */
    public int outputCiphertexts() {
        return rowBlocks() * colBlocks();
    }

    /** Plaintext-ciphertext products the multiplier computes (both terms of a joint plan). */
    public long products() {
        return (joint ? 2L : 1L) * rowBlocks() * innerBlocks() * colBlocks();
    }

    /**
     * Plaintext terms per output coefficient (the T of the noise bound): a P block has r_w k_w non-zero
     * coefficients, summed over the inner blocks r_w k; in a joint plan the E blocks in the clear add k_w c_w each,
     * k c_w in all.
     */
    public long plainTerms() {
        return plainTerms(rowBlock, inner, colBlock, joint);
    }

    static long plainTerms(int rowBlock, int inner, int colBlock, boolean joint) {
        return (long) inner * (rowBlock + (joint ? colBlock : 0));
    }

    /** The same blocking flooded at {@code bits} instead (tests: negative controls beyond the noise budget). */
    HeMatMulPlan withFloodBits(int bits) {
        return new HeMatMulPlan(rows, inner, cols, rowBlock, innerBlock, colBlock, bits, joint, costPicos);
    }

    /** Estimated cost in picoseconds (compute plus weighted bytes); used to compare plans. */
    public long estimatedCostPicos() {
        return costPicos;
    }

    /** Bytes of the key owner's message (seed, header and bit-packed first components). */
    public long inputBytes(HeParameters params) {
        return 8L * EncryptedMatrix.wireWords(params, inputCiphertexts());
    }

    /** Bytes of the multiplier's reply. */
    public long outputBytes(HeParameters params) {
        long words = 0;
        for (int ib = 0; ib < rowBlocks(); ib++) {
            for (int jb = 0; jb < colBlocks(); jb++) {
                words += ProductEvaluator.wireWords(params, blockRows(ib) * blockCols(jb));
            }
        }
        return 8 * words;
    }

    int blockRows(int ib) {
        return Math.min(rowBlock, rows - ib * rowBlock);
    }

    int blockInner(int lb) {
        return Math.min(innerBlock, inner - lb * innerBlock);
    }

    int blockCols(int jb) {
        return Math.min(colBlock, cols - jb * colBlock);
    }

    /** Output coefficient positions of block (ib, jb), row-major over the block's (i, j). */
    int[] outputPositions(int ib, int jb) {
        int br = blockRows(ib);
        int bc = blockCols(jb);
        int[] pos = new int[br * bc];
        int t = 0;
        for (int i = 0; i < br; i++) {
            for (int j = 0; j < bc; j++) {
                pos[t++] = i * innerBlock * colBlock + j * innerBlock + innerBlock - 1;
            }
        }
        return pos;
    }

    /**
     * Writes P block (ib, lb) of {@code p} (rows x inner) in the P layout into {@code coeffs} (length N, zeroed
     * here): P[i][l] at X^(i k_w c_w + k_w - 1 - l).
     */
    void encodePlainLayout(MatrixView p, int ib, int lb, long[] coeffs) {
        java.util.Arrays.fill(coeffs, 0);
        int i0 = ib * rowBlock;
        int l0 = lb * innerBlock;
        int br = blockRows(ib);
        int bl = blockInner(lb);
        int stride = innerBlock * colBlock;
        for (int i = 0; i < br; i++) {
            int base0 = i * stride + innerBlock - 1;
            for (int l = 0; l < bl; l++) {
                coeffs[base0 - l] = p.get(i0 + i, l0 + l);
            }
        }
    }

    /**
     * Writes E block (lb, jb) of {@code e} (inner x cols) in the E layout into {@code coeffs} (length N, zeroed
     * here): E[l][j] at X^(l + k_w j).
     */
    void encodeEncryptedLayout(MatrixView e, int lb, int jb, long[] coeffs) {
        java.util.Arrays.fill(coeffs, 0);
        int l0 = lb * innerBlock;
        int j0 = jb * colBlock;
        int bl = blockInner(lb);
        int bc = blockCols(jb);
        for (int j = 0; j < bc; j++) {
            for (int l = 0; l < bl; l++) {
                coeffs[l + innerBlock * j] = e.get(l0 + l, j0 + j);
            }
        }
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** The cheapest plan for P (rows x inner) times E (inner x cols), one cross term. */
    public static HeMatMulPlan choose(HeParameters params, int rows, int inner, int cols) {
        return choose(params, rows, inner, cols, false);
    }

    /**
     * The cheapest joint plan for both cross terms of P (rows x inner) times E (inner x cols) in one reply
     * ({@link HeJointProduct}): blocks minimising the cost of the key owner's two uploads, both products and one
     * reply together.
     */
    public static HeMatMulPlan chooseJoint(HeParameters params, int rows, int inner, int cols) {
        return choose(params, rows, inner, cols, true);
    }

    private static HeMatMulPlan choose(HeParameters params, int rows, int inner, int cols, boolean joint) {
        String key = params.fingerprint() + ":" + rows + ":" + inner + ":" + cols + ":" + joint;
        HeMatMulPlan p = CACHE.get(key);
        if (p == null) {
            p = search(params, rows, inner, cols, joint);
            if (CACHE.size() > 4096) {
                CACHE.clear();
            }
            CACHE.put(key, p);
        }
        return p;
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, HeMatMulPlan> CACHE =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static HeMatMulPlan search(HeParameters params, int rows, int inner, int cols, boolean joint) {
        if (rows < 1 || inner < 1 || cols < 1) {
            throw new IllegalArgumentException("HE product needs positive shapes, got " + rows + "x" + inner + " by "
                    + inner + "x" + cols);
        }
        int n = params.n();
        long revealed = (long) rows * cols;
        long maxTerms = NoiseBudget.maxPlainTerms(params, revealed);
        if (maxTerms < (joint ? 2L : 1L) * inner) {
            throw new IllegalArgumentException(String.format(
                    "HE product %dx%d by %dx%d exceeds the noise budget: inner dimension %d times the row block"
                            + (joint ? " plus the column block" : "") + " must be <= %d (N=%d, log2 q=218, %d-bit statistical flooding over %d outputs, from %d bits per "
                            + "run of %d cross terms); split the output into several products, or plan a lower "
                            + "statistical security or fewer cross terms",
                    rows, inner, inner, cols, inner, maxTerms, n, params.statisticalSecurity(), revealed,
                    params.runStatisticalSecurity(), params.plannedCrossTerms()));
        }
        int maxRw = (int) Math.min(Math.min(rows, n), maxTerms / inner);
        HeMatMulPlan best = null;
        for (int rw = 1; rw <= maxRw; rw++) {
            for (int cw = Math.min(cols, n / rw); cw >= 1; cw--) {
                int kw = Math.min(inner, n / (rw * cw));
                if (kw < 1 || (long) rw * kw * cw > n || plainTerms(rw, inner, cw, joint) > maxTerms) {
                    continue;
                }
                HeMatMulPlan plan = evaluate(params, rows, inner, cols, rw, kw, cw, joint);
                if (plan != null && (best == null || plan.costPicos < best.costPicos)) {
                    best = plan;
                }
            }
        }
        if (best != null) {
            best = new HeMatMulPlan(rows, inner, cols, best.rowBlock, best.innerBlock, best.colBlock,
                    NoiseBudget.floodBits(params, best.plainTerms(), revealed), joint, best.costPicos);
        }
        if (best == null) {
            throw new IllegalArgumentException(String.format(
                    "HE product %dx%d by %dx%d has no feasible blocking (message or memory limit of %d MiB exceeded); "
                            + "split the product", rows, inner, inner, cols, MAX_INPUT_BYTES >> 20));
        }
        return best;
    }

    /**
     * Cost of one blocking: in a joint plan both cross terms (the key owner's P and E uploads, 2 products per block
     * triple, the plaintext transforms of both of the multiplier's shares, one reply), otherwise one cross term.
     */
    private static HeMatMulPlan evaluate(HeParameters params, int rows, int inner, int cols, int rw, int kw, int cw,
            boolean joint) {
        int n = params.n();
        int L = params.primeCount();
        long rb = ceilDiv(rows, rw);
        long kb = ceilDiv(inner, kw);
        long cb = ceilDiv(cols, cw);
        long nIn = kb * cb + (joint ? rb * kb : 0);
        long nOut = rb * cb;
        long nProd = (joint ? 2 : 1) * rb * kb * cb;
        long nPlain = rb * kb + (joint ? kb * cb : 0);
        long inBytes = 8L * EncryptedMatrix.wireWords(params, nIn);
        long stored = nIn * 2L * L * n * 8 + (kb + (joint ? kb * cb : 0)) * L * n * 8L;
        if (inBytes > MAX_INPUT_BYTES || stored > 2 * MAX_INPUT_BYTES) {
            return null;
        }
        long outBytes = 8L * (nOut * ProductEvaluator.wireWords(params, 0) + (long) rows * cols * 2);
        long nttPerIn = L; // encryptor
        long nttPerOut = 3L * L + 4; // multiplier (u, two inverses) + decryptor (2 forward, 2 inverse)
        long computePs = (nIn * nttPerIn + nOut * nttPerOut) * NTT_PS + nPlain * L * SPARSE_NTT_PS
                + nProd * 2L * L * n * MAC_PS + nOut * n * ROUND_PS_PER_COEFF;
        long cost = computePs + (inBytes + outBytes) * params.plannerPicosPerByte();
        return new HeMatMulPlan(rows, inner, cols, rw, kw, cw, 0, joint, cost);
    }

    @Override
    public String toString() {
        return String.format("HeMatMulPlan{%s%dx%d by %dx%d, blocks %dx%dx%d, in %d ct, out %d ct, %d products, flood 2^%d}",
                joint ? "joint, " : "", rows, inner, inner, cols, rowBlock, innerBlock, colBlock, inputCiphertexts(),
                outputCiphertexts(), products(), floodBits);
    }
}
