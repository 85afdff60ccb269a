package org.securetrain.crypto.he;

import java.util.concurrent.ExecutorService;

/**
 * Both HE cross terms of a shared product in one reply, over one channel: Z = A B with A = A_K + A_M and
 * B = B_K + B_M, the {@link KeyOwner} holding (A_K, B_K), the {@link Multiplier} holding (A_M, B_M). The key owner
 * encrypts both of its shares under its own key in one message: B_K in the E layout and A_K in the P layout of the
 * same {@link HeMatMulPlan} ({@link HeMatMulPlan#joint}). Polynomial products commute, so the multiplier can put
 * either factor of a coefficient-encoded product under encryption: per output block it accumulates
 * {@code Enc(A_K) * B_M + A_M * Enc(B_K)} (its B_M blocks encoded in the E layout, its A_M blocks in the P layout),
 * then re-randomises, floods, switches and masks exactly like one cross term ({@link ProductEvaluator#finish}) and
 * sends one reply. Outputs: the multiplier's share R, the key owner's share A_K B_M + A_M B_K - R. One flooded
 * reply per product instead of two: the per-run statistical accounting counts it once, and the noise bound counts
 * the plaintext terms of both products ({@link HeMatMulPlan#plainTerms()} = k (r_w + c_w)). The reply's wire
 * format and its decryption are those of {@link HeCrossProduct}; traffic is attributed to
 * {@value HeCrossProduct#STEP}.
 */
public final class HeJointProduct {
    private HeJointProduct() {
    }

    /** The key owner's role: encrypts (A_K, B_K) and sends them, later decrypts the reply. */
    public static final class KeyOwner extends KeyOwnerRole<HeMatMulPlan> {
        private final MatrixView a;
        private final MatrixView b;
        private final MatrixView out;

        /**
         * Encrypts {@code a} (rows x inner) and {@code b} (inner x cols); adds A_K B_M + A_M B_K - R into {@code out}
         * (rows x cols).
         */
        public KeyOwner(CrossTerm<HeMatMulPlan> t, MatrixView a, MatrixView b, MatrixView out) {
            super(requireJoint(t), HeCrossProduct.STEP);
            this.a = a;
            this.b = b;
            this.out = out;
        }

        /** Encrypts both shares and sends them in one message; {@code helper} (or null) shares the encryption. */
        @Override
        public void send(ExecutorService helper) {
            long[][] wire = new long[1][];
            encryptOperands(term.ctx(), term.plan(), a, b, operandId(), wire, helper);
            sendMessage(wire[0]);
        }

        /** Receives the multiplier's reply and adds A_K B_M + A_M B_K - R into the output. */
        @Override
        public void finish() {
            HeCrossProduct.decryptResult(term.ctx(), receiveMessage(), term.plan(), operandId(), out);
        }
    }

    /**
     * The multiplier's role: receives Enc(B_K), Enc(A_K); computes Enc(A_K B_M + A_M B_K - R) row block by row block
     * ({@link #work} from any number of threads), adds R into its output and replies.
     */
    public static final class Multiplier extends MultiplierRole<HeMatMulPlan> {
        private final MatrixView a;
        private final MatrixView b;
        private final MatrixView out;

        /** Multiplies with its shares {@code a} (rows x inner), {@code b} (inner x cols); adds R into {@code out}. */
        public Multiplier(CrossTerm<HeMatMulPlan> t, MatrixView a, MatrixView b, MatrixView out) {
            super(requireJoint(t), HeCrossProduct.STEP, "HE joint multiply");
            checkShapes(t.plan(), a, b);
            this.a = a;
            this.b = b;
            this.out = out;
        }

        @Override
        MultiplierJob<?> start(long[] wire) {
            return job(term.ctx(), a, b, receiveOperands(term.ctx(), wire, term.plan()), term.plan(), out);
        }
    }

    private static CrossTerm<HeMatMulPlan> requireJoint(CrossTerm<HeMatMulPlan> t) {
        if (!t.plan().joint) {
            throw new IllegalArgumentException("the joint product needs a joint plan, got " + t.plan());
        }
        return t;
    }

    private static void checkShapes(HeMatMulPlan plan, MatrixView a, MatrixView b) {
        if (a.rows() != plan.rows || a.cols() != plan.inner || b.rows() != plan.inner || b.cols() != plan.cols) {
            throw new IllegalArgumentException(String.format("plan %s does not fit shares %dx%d and %dx%d", plan,
                    a.rows(), a.cols(), b.rows(), b.cols()));
        }
    }

    /** Multiplier: parses the key owner's message (E blocks of B_K, then P blocks of A_K) for the given plan. */
    static EncryptedMatrix receiveOperands(HeContext ctx, long[] wire, HeMatMulPlan plan) {
        int n = ctx.params().n();
        return EncryptedMatrix.parse(ctx, wire, plan.inputCiphertexts() * n, 1, n, 1);
    }

    /**
     * The key owner's polynomials, N coefficients each, in wire order: E blocks of b (lb, jb) at lb c_b + jb, then
     * P blocks of a (ib, lb) at k_b c_b + ib k_b + lb.
     */
    static long[] operandPolynomials(HeMatMulPlan plan, MatrixView a, MatrixView b, int n) {
        checkShapes(plan, a, b);
        int kb = plan.innerBlocks();
        int cb = plan.colBlocks();
        long[] polys = new long[plan.inputCiphertexts() * n];
        long[] coeffs = new long[n];
        for (int lb = 0; lb < kb; lb++) {
            for (int jb = 0; jb < cb; jb++) {
                plan.encodeEncryptedLayout(b, lb, jb, coeffs);
                System.arraycopy(coeffs, 0, polys, (lb * cb + jb) * n, n);
            }
        }
        for (int ib = 0; ib < plan.rowBlocks(); ib++) {
            for (int lb = 0; lb < kb; lb++) {
                plan.encodePlainLayout(a, ib, lb, coeffs);
                System.arraycopy(coeffs, 0, polys, (kb * cb + ib * kb + lb) * n, n);
            }
        }
        return polys;
    }

    /**
     * Key owner: encrypts (a, b) for {@code plan} into {@code wire[0]}; {@code helper} (or null) shares the work. Each
     * polynomial is one N x 1 block of a (count N) x 1 "matrix": the matrix encryption as is.
     */
    static void encryptOperands(HeContext ctx, HeMatMulPlan plan, MatrixView a, MatrixView b, long id, long[][] wire,
            ExecutorService helper) {
        int n = ctx.params().n();
        EncryptedMatrix.encrypt(ctx, MatrixView.of(operandPolynomials(plan, a, b, n), plan.inputCiphertexts() * n, 1),
                n, 1, id, wire, helper);
    }

    /**
     * The multiplier's work for one product ({@link HeCrossProduct.Job}): per output block (ib, jb) and inner block lb,
     * A_M * Enc(B_K) + Enc(A_K) * B_M, with its B_M blocks encoded (E layout, pruned NTT over the layout's public
     * support) once for every row block.
     */
    static HeCrossProduct.Job job(HeContext ctx, MatrixView a, MatrixView b, EncryptedMatrix enc, HeMatMulPlan plan,
            MatrixView out) {
        if (!enc.hasCiphertexts() || enc.rows() != (long) plan.inputCiphertexts() * ctx.params().n()) {
            throw new IllegalArgumentException("encrypted operands do not fit " + plan);
        }
        RnsBase base = ctx.params().base();
        int kb = plan.innerBlocks();
        int cb = plan.colBlocks();
        long[][] bPlain = new long[kb * cb][];
        long[] coeffs = new long[base.n];
        for (int jb = 0; jb < cb; jb++) {
            // E layout: column j of the block is a run of k_w coefficients at X^(k_w j)
            boolean[] support = Ntt.granuleSupport(base.n, plan.blockCols(jb), plan.innerBlock, plan.innerBlock);
            for (int lb = 0; lb < kb; lb++) {
                plan.encodeEncryptedLayout(b, lb, jb, coeffs);
                long[] pt = new long[base.polyLength()];
                base.encodeSparse(coeffs, support, pt);
                bPlain[lb * cb + jb] = pt;
            }
        }
        return HeCrossProduct.Job.of(ctx, a, (ev, i, lb, jb, pt) -> {
            int e = lb * cb + jb;
            ev.multiplyAccumulate(enc.c0(e, 0), enc.c1(e, 0), pt); // A_M * Enc(B_K)
            int aK = kb * cb + i * kb + lb; // Enc(A_K) block (i, lb) follows the E blocks
            ev.multiplyAccumulate(enc.c0(aK, 0), enc.c1(aK, 0), bPlain[e]); // Enc(A_K) * B_M
        }, plan, out, enc.id(), "HE joint multiply");
    }
}
