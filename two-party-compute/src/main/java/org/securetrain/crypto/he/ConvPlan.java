package org.securetrain.crypto.he;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Blocking of one HE cross term of a correlation ({@link ConvShape}) in Cheetah's HomConv coefficient
 * encoding, without rotations. One input polynomial holds a block of {@code groupBlock} groups x
 * {@code chBlock} input channels x {@code inRows} rows x w columns, one kernel polynomial holds
 * {@code outBlock} output channels x {@code chBlock} input channels, reversed:
 * <pre>
 *   S = groupBlock chBlock inRows w,  O = (chBlock-1) inRows w + (kh-1) w + (kw-1)
 *   in(X)  = sum In[g][c][y][x]    X^(g chBlock inRows w + c inRows w + y w + x)
 *   k(X)   = sum K[o][c][l][l']    X^(o S + O - c inRows w - l w - l')
 *   (k in)(X) has out[o][g][i][j] at X^(o S + g chBlock inRows w + O + i sh w + j sw)
 * </pre>
 * which needs outBlock S &lt;= N: the product of one input and one kernel term lands on an output
 * position only if channel, group, output channel, row and column all match (the differences are digits
 * of a mixed-radix number smaller than each radix), and terms that wrap negacyclically land below O,
 * under every output position. Stride is handled by reading the stride-1 result at the strided positions
 * only; the rows are tiled (with kh - sh rows of overlap) when a whole image does not fit. Products over
 * the channel blocks are summed in the ciphertext, so one output ciphertext carries
 * outBlock x groupBlock x tileRows x outW results and T = outBlock inCh kh kw plaintext terms reach each
 * of its coefficients, bounded by the noise budget ({@link NoiseBudget}). The block sizes minimise the
 * cost model of {@link HeMatMulPlan} (compute estimate plus bytes weighted by the planner link speed);
 * both parties compute the same plan from the public shape.
 */
public final class ConvPlan {
    public final ConvShape shape;
    public final int outBlock;
    public final int groupBlock;
    public final int chBlock;
    /** Output rows per tile. */
    public final int tileRows;
    /** Input rows per tile: (tileRows - 1) sh + kh. */
    public final int inRows;
    public final int floodBits;
    private final long costPicos;

    private ConvPlan(ConvShape shape, int outBlock, int groupBlock, int chBlock, int tileRows, int floodBits,
            long costPicos) {
        this.shape = shape;
        this.outBlock = outBlock;
        this.groupBlock = groupBlock;
        this.chBlock = chBlock;
        this.tileRows = tileRows;
        this.inRows = (tileRows - 1) * shape.sh() + shape.kh();
        this.floodBits = floodBits;
        this.costPicos = costPicos;
    }

    public int outBlocks() {
        return HeMatMulPlan.ceilDiv(shape.outCh(), outBlock);
    }

    public int groupBlocks() {
        return HeMatMulPlan.ceilDiv(shape.groups(), groupBlock);
    }

    public int chBlocks() {
        return HeMatMulPlan.ceilDiv(shape.inCh(), chBlock);
    }

    public int tiles() {
        return HeMatMulPlan.ceilDiv(shape.outH(), tileRows);
    }

    /** Ciphertexts the key owner sends (one per group block, channel block and tile). */
    public int inputCiphertexts() {
        return groupBlocks() * chBlocks() * tiles();
    }

    /** Ciphertexts the multiplier returns (one per output block, group block and tile). */
    public int outputCiphertexts() {
        return outBlocks() * groupBlocks() * tiles();
    }

    /** Plaintext-ciphertext products the multiplier computes. */
    public long products() {
        return (long) outputCiphertexts() * chBlocks();
    }

    /** Plaintext terms per output coefficient (the T of the noise bound): all kernel coefficients of a block. */
    public long plainTerms() {
        return (long) outBlock * shape.inCh() * shape.kh() * shape.kw();
    }

    /** Estimated cost in picoseconds (compute plus weighted bytes), comparable with {@link HeMatMulPlan}. */
    public long estimatedCostPicos() {
        return costPicos;
    }

    /** Coefficients per output-channel slot of a polynomial (S above). */
    int slotStride() {
        return groupBlock * chBlock * inRows * shape.w();
    }

    /** Exponent of the first output coefficient (O above). */
    int outputOrigin() {
        return (chBlock - 1) * inRows * shape.w() + (shape.kh() - 1) * shape.w() + shape.kw() - 1;
    }

    int blockOuts(int ob) {
        return Math.min(outBlock, shape.outCh() - ob * outBlock);
    }

    int blockGroups(int gb) {
        return Math.min(groupBlock, shape.groups() - gb * groupBlock);
    }

    int blockChannels(int cb) {
        return Math.min(chBlock, shape.inCh() - cb * chBlock);
    }

    int tileOutRows(int tile) {
        return Math.min(tileRows, shape.outH() - tile * tileRows);
    }

    /** Outputs of one output ciphertext. */
    int unitOutputs(int ob, int gb, int tile) {
        return blockOuts(ob) * blockGroups(gb) * tileOutRows(tile) * shape.outW();
    }

    /** Input polynomial (gb, cb, tile): coefficients of the key owner's tensor, written into poly (zeroed). */
    void encodeInput(long[] in, int gb, int cb, int tile, long[] poly, int off) {
        ConvShape s = shape;
        int w = s.w();
        int y0 = tile * tileRows * s.sh();
        int rows = Math.min(inRows, s.h() - y0);
        for (int g = 0; g < blockGroups(gb); g++) {
            for (int c = 0; c < blockChannels(cb); c++) {
                int src = ((gb * groupBlock + g) * s.inCh() + cb * chBlock + c) * s.h() * w + y0 * w;
                int dst = off + (g * chBlock + c) * inRows * w;
                System.arraycopy(in, src, poly, dst, rows * w);
            }
        }
    }

    /**
     * The granules a kernel polynomial may occupy ({@link Ntt#granuleSupport}): output channel o of the block at
     * X^(o S) .. X^(o S + O) ({@link #encodeKernel}). From the plan alone, so the pruned transform of a kernel
     * does the same work for every kernel of this plan.
     */
    boolean[] kernelSupport(int n) {
        return Ntt.granuleSupport(n, outBlock, outputOrigin() + 1, slotStride());
    }

    /** Kernel polynomial (ob, cb), reversed: signed coefficients into poly (zeroed, N long). */
    void encodeKernel(long[] k, int ob, int cb, long[] poly) {
        ConvShape s = shape;
        int w = s.w();
        int stride = slotStride();
        int origin = outputOrigin();
        int khkw = s.kh() * s.kw();
        for (int o = 0; o < blockOuts(ob); o++) {
            for (int c = 0; c < blockChannels(cb); c++) {
                int kb = ((ob * outBlock + o) * s.inCh() + cb * chBlock + c) * khkw;
                int base = o * stride + origin - c * inRows * w;
                for (int l = 0; l < s.kh(); l++) {
                    for (int m = 0; m < s.kw(); m++) {
                        poly[base - l * w - m] = k[kb + l * s.kw() + m];
                    }
                }
            }
        }
    }

    /** Output positions of unit (ob, gb, tile), ordered as {@link #forEachOutput} visits them. */
    int[] outputPositions(int ob, int gb, int tile) {
        ConvShape s = shape;
        int[] pos = new int[unitOutputs(ob, gb, tile)];
        int origin = outputOrigin();
        int t = 0;
        for (int o = 0; o < blockOuts(ob); o++) {
            for (int g = 0; g < blockGroups(gb); g++) {
                int base = o * slotStride() + g * chBlock * inRows * s.w() + origin;
                for (int i = 0; i < tileOutRows(tile); i++) {
                    for (int j = 0; j < s.outW(); j++) {
                        pos[t++] = base + i * s.sh() * s.w() + j * s.sw();
                    }
                }
            }
        }
        return pos;
    }

    /** Index in the output array (outCh x groups x outH x outW) of output t of unit (ob, gb, tile). */
    int outputIndex(int ob, int gb, int tile, int t) {
        ConvShape s = shape;
        int ow = s.outW();
        int rows = tileOutRows(tile);
        int j = t % ow;
        int i = (t / ow) % rows;
        int g = (t / (ow * rows)) % blockGroups(gb);
        int o = t / (ow * rows * blockGroups(gb));
        return (((ob * outBlock + o) * s.groups() + gb * groupBlock + g) * s.outH() + tile * tileRows + i) * ow + j;
    }

    /** The cheapest feasible plan for this shape; throws if none fits the noise budget and N. */
    public static ConvPlan choose(HeParameters params, ConvShape shape) {
        String key = params.fingerprint() + ":" + shape;
        ConvPlan p = CACHE.get(key);
        if (p == null) {
            p = search(params, shape);
            if (CACHE.size() > 4096) {
                CACHE.clear();
            }
            CACHE.put(key, p);
        }
        return p;
    }

    /** The plan, or null when no blocking fits (too wide a row, or the noise budget): then use im2col. */
    public static ConvPlan chooseOrNull(HeParameters params, ConvShape shape) {
        try {
            return choose(params, shape);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static final ConcurrentHashMap<String, ConvPlan> CACHE = new ConcurrentHashMap<>();

    private static ConvPlan search(HeParameters params, ConvShape s) {
        int n = params.n();
        long revealed = s.outputLength();
        long maxTerms = NoiseBudget.maxPlainTerms(params, revealed);
        long termsPerOut = (long) s.inCh() * s.kh() * s.kw();
        if (maxTerms < termsPerOut) {
            throw new IllegalArgumentException("direct convolution " + s + " exceeds the noise budget: "
                    + termsPerOut + " kernel terms per output, at most " + maxTerms);
        }
        ConvPlan best = null;
        for (int rb = 1; rb <= s.outH(); rb++) {
            long rowCoeffs = (long) ((rb - 1) * s.sh() + s.kh()) * s.w();
            if (rowCoeffs > n) {
                break;
            }
            for (int cb = 1; cb <= s.inCh() && cb * rowCoeffs <= n; cb++) {
                int cap = (int) (n / (cb * rowCoeffs));
                for (int ob = 1; ob <= Math.min(s.outCh(), cap) && ob * termsPerOut <= maxTerms; ob++) {
                    int gb = Math.min(s.groups(), cap / ob);
                    ConvPlan plan = evaluate(params, s, ob, gb, cb, rb);
                    if (plan != null && (best == null || plan.costPicos < best.costPicos)) {
                        best = plan;
                    }
                }
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("direct convolution " + s + " has no blocking: a row block of "
                    + s.kh() + "x" + s.w() + " coefficients must fit N = " + n + " and the message limit");
        }
        return new ConvPlan(s, best.outBlock, best.groupBlock, best.chBlock, best.tileRows,
                NoiseBudget.floodBits(params, best.plainTerms(), revealed), best.costPicos);
    }

    private static ConvPlan evaluate(HeParameters params, ConvShape s, int ob, int gb, int cb, int rb) {
        ConvPlan p = new ConvPlan(s, ob, gb, cb, rb, 0, 0);
        int n = params.n();
        int primes = params.primeCount();
        long nIn = p.inputCiphertexts();
        long nOut = p.outputCiphertexts();
        long nProd = p.products();
        long nPlain = (long) p.outBlocks() * p.chBlocks();
        long inBytes = 8L * (EncryptedMatrix.HEADER_WORDS + nIn * EncryptedMatrix.ctWords(params));
        long stored = nIn * 2L * primes * n * 8 + nPlain * primes * n * 8L;
        if (inBytes > HeMatMulPlan.MAX_INPUT_BYTES || stored > 2 * HeMatMulPlan.MAX_INPUT_BYTES) {
            return null;
        }
        long outBytes = 8L * (nOut * ProductEvaluator.wireWords(params, 0) + 2L * s.outputLength());
        long computePs = (nIn * primes + nOut * (3L * primes + 4) + nPlain * primes) * HeMatMulPlan.NTT_PS
                + nProd * 2L * primes * n * HeMatMulPlan.MAC_PS + nOut * n * HeMatMulPlan.ROUND_PS_PER_COEFF;
        long cost = computePs + (inBytes + outBytes) * params.plannerPicosPerByte();
        return new ConvPlan(s, ob, gb, cb, rb, 0, cost);
    }

    /** Cost model estimate of the same correlation lowered to im2col and the matrix product (cheaper orientation). */
    public static long im2colCostPicos(HeParameters params, ConvShape s) {
        int m = s.outCh();
        int k = s.inCh() * s.kh() * s.kw();
        int cols = s.groups() * s.outH() * s.outW();
        long best = Long.MAX_VALUE;
        try {
            best = HeMatMulPlan.choose(params, m, k, cols).estimatedCostPicos();
        } catch (IllegalArgumentException ignored) {
            // infeasible orientation
        }
        try {
            best = Math.min(best, HeMatMulPlan.choose(params, cols, k, m).estimatedCostPicos());
        } catch (IllegalArgumentException ignored) {
            // infeasible orientation
        }
        return best;
    }

    /**
     * True when the direct convolution is feasible and estimated no dearer than im2col: the public rule
     * both parties apply alike.
     */
    public static boolean directPreferred(HeParameters params, ConvShape s) {
        ConvPlan p = chooseOrNull(params, s);
        return p != null && p.costPicos <= im2colCostPicos(params, s);
    }

    @Override
    public String toString() {
        return String.format("ConvPlan{%s, blocks out %d x groups %d x channels %d x rows %d, in %d ct, out %d ct, "
                + "%d products, T %d, flood 2^%d}", shape, outBlock, groupBlock, chBlock, tileRows, inputCiphertexts(),
                outputCiphertexts(), products(), plainTerms(), floodBits);
    }
}
