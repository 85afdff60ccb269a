package org.securetrain.crypto.he;

import java.util.concurrent.ExecutorService;

/**
 * One HE cross term over one channel, both roles: additive shares of Z = P * E where the {@link Multiplier}
 * holds P (r x k) in the clear and the {@link KeyOwner} holds E (k x c). The key owner encrypts E (one
 * message), the multiplier computes the coefficient-encoded products with no rotation, re-randomises,
 * floods, switches to 2^80, keeps a fresh uniform mask R per output and returns Enc(P*E - R) (one message);
 * the key owner decrypts. Outputs: multiplier's share R, key owner's share P*E - R (mod 2^64), both added
 * into the caller's output view. Traffic is attributed to the protocol step {@value #STEP}.
 *
 * <p>Each role is split into its phases so that a party holding both roles of a product (one cross term
 * each way) can interleave them on two threads; the multiplier's work is shareable between threads.
 */
public final class HeCrossProduct {
    public static final String STEP = "he.matmul.cross";
    static final long REPLY_MAGIC = 0x48455245504c3031L; // "HEREPL01"

    private HeCrossProduct() {
    }

    /** The key owner's role: encrypts E under its own key and sends it, later decrypts the reply. */
    public static final class KeyOwner extends KeyOwnerRole<HeMatMulPlan> {
        private final MatrixView e;
        private final MatrixView out;

        /** Encrypts {@code e} (the plan's inner x cols) and adds P*E - R into {@code out} (rows x cols). */
        public KeyOwner(CrossTerm<HeMatMulPlan> t, MatrixView e, MatrixView out) {
            super(t, STEP);
            this.e = e;
            this.out = out;
        }

        /** Encrypts E and sends it; {@code helper} (or null) shares the encryption. */
        @Override
        public void send(ExecutorService helper) {
            long[][] wire = new long[1][];
            encryptOperand(term.ctx(), e, term.plan().innerBlock, term.plan().colBlock, operandId(), wire, helper);
            sendMessage(wire[0]);
        }

        /** Receives the multiplier's reply and adds P*E - R into the output. */
        @Override
        public void finish() {
            decryptResult(term.ctx(), receiveMessage(), term.plan(), operandId(), out);
        }
    }

    /**
     * The multiplier's role: receives Enc(E), computes Enc(P*E - R) row block by row block ({@link #work}
     * from any number of threads), adds R into its output and replies.
     */
    public static final class Multiplier extends MultiplierRole<HeMatMulPlan> {
        private final MatrixView p;
        private final MatrixView out;

        /** Multiplies by {@code p} (rows x inner, in the clear) and adds its share R into {@code out}. */
        public Multiplier(CrossTerm<HeMatMulPlan> t, MatrixView p, MatrixView out) {
            super(t, STEP, "HE multiply");
            this.p = p;
            this.out = out;
        }

        @Override
        MultiplierJob<?> start(long[] wire) {
            return Job.create(term.ctx(), p, receiveOperand(term.ctx(), wire, term.plan()), term.plan(), out);
        }
    }

    // ---- messages -------------------------------------------------------------------------------------

    /** Key owner: encrypts E with the plan's blocking, sharing the ciphertexts with {@code helper} if non-null. */
    static EncryptedMatrix encryptOperand(HeContext ctx, MatrixView e, int innerBlock, int colBlock, long id,
            long[][] wire, ExecutorService helper) {
        return EncryptedMatrix.encrypt(ctx, e, innerBlock, colBlock, id, wire, helper);
    }

    /** Multiplier: parses the key owner's message for the given plan. */
    static EncryptedMatrix receiveOperand(HeContext ctx, long[] wire, HeMatMulPlan plan) {
        return EncryptedMatrix.parse(ctx, wire, plan.inner, plan.cols, plan.innerBlock, plan.colBlock);
    }

    /**
     * The multiplier's work for one product: its row blocks, shareable between threads ({@link MultiplierJob}). Per
     * output block it encodes its P blocks and accumulates the {@link BlockTerms}: one product in a cross term, two in
     * a joint product ({@link HeJointProduct}).
     */
    static final class Job extends MultiplierJob<RowWorker> {
        private final HeContext ctx;
        private final MatrixView p;
        private final BlockTerms terms;
        private final HeMatMulPlan plan;
        private final MatrixView out;
        private final long[] reply;
        private final int[] rowOffset;

        private Job(HeContext ctx, MatrixView p, BlockTerms terms, HeMatMulPlan plan, MatrixView out, long[] reply,
                int[] rowOffset, String what) {
            super(plan.rowBlocks(), reply, what);
            this.ctx = ctx;
            this.p = p;
            this.terms = terms;
            this.plan = plan;
            this.out = out;
            this.reply = reply;
            this.rowOffset = rowOffset;
        }

        /** The cross term's job: P times the key owner's Enc(E). */
        static Job create(HeContext ctx, MatrixView p, EncryptedMatrix e, HeMatMulPlan plan, MatrixView out) {
            checkPlan(p.rows(), p.cols(), e, plan);
            return of(ctx, p, (ev, i, lb, jb, pt) -> ev.multiplyAccumulate(e.c0(lb, jb), e.c1(lb, jb), pt), plan, out,
                    e.id(), "HE multiply");
        }

        /**
         * The job that multiplies {@code p} (P layout) by {@code terms} and replies to the operand {@code operandId};
         * {@code what} names it in messages.
         */
        static Job of(HeContext ctx, MatrixView p, BlockTerms terms, HeMatMulPlan plan, MatrixView out, long operandId,
                String what) {
            checkOutput(out, plan);
            int[] rowOffset = replyLayout(ctx.params(), plan);
            return new Job(ctx, p, terms, plan, out, newReply(rowOffset, plan, operandId), rowOffset, what);
        }

        @Override
        RowWorker newWorker() {
            return new RowWorker(ctx, plan);
        }

        @Override
        void unit(RowWorker w, int ib) {
            w.row(p, terms, out, reply, rowOffset, ib);
        }
    }

    /**
     * The ciphertext-plaintext products of one output block (ib, jb) and inner block lb, given the multiplier's
     * encoded P block {@code pt} (NTT form): one product in a cross term, two in a joint product.
     */
    interface BlockTerms {
        void accumulate(ProductEvaluator ev, int ib, int lb, int jb, long[] pt);
    }

    /** Per-thread state of the multiplier: evaluator, mask PRG and plaintext buffers. */
    static final class RowWorker {
        private final ProductEvaluator ev;
        private final HePrg maskPrg;
        private final long[][] pt;
        private final long[] coeffs;
        private final long[] masks;
        private final HeMatMulPlan plan;
        private final RnsBase base;
        private boolean[] support;
        private int supportRows = -1;

        RowWorker(HeContext ctx, HeMatMulPlan plan) {
            this.plan = plan;
            this.base = ctx.params().base();
            ev = new ProductEvaluator(ctx.params(), ctx.peerPublicKey(), ctx.random());
            maskPrg = HePrg.fresh(ctx.random());
            pt = new long[plan.innerBlocks()][];
            coeffs = new long[base.n];
            masks = new long[plan.rowBlock * plan.colBlock];
        }

        /**
         * The granules a P block of {@code br} rows may occupy: from the plan's public shape, never from P's
         * values, so the pruned transform does the same work for every P of this shape.
         */
        private boolean[] support(int br) {
            if (supportRows != br) {
                support = Ntt.granuleSupport(base.n, br, plan.innerBlock, plan.innerBlock * plan.colBlock);
                supportRows = br;
            }
            return support;
        }

        /**
         * Row block ib: encode P blocks (pruned NTT over the public layout), accumulate {@code terms} per output
         * block, finish into the reply and add the masks R into {@code out}.
         */
        void row(MatrixView p, BlockTerms terms, MatrixView out, long[] reply, int[] rowOffset, int ib) {
            int kb = plan.innerBlocks();
            int cb = plan.colBlocks();
            int off = rowOffset[ib];
            int i0 = ib * plan.rowBlock;
            int br = plan.blockRows(ib);
            for (int lb = 0; lb < kb; lb++) {
                plan.encodePlainLayout(p, ib, lb, coeffs);
                if (pt[lb] == null) {
                    pt[lb] = new long[base.polyLength()];
                }
                base.encodeSparse(coeffs, support(br), pt[lb]);
            }
            for (int jb = 0; jb < cb; jb++) {
                for (int lb = 0; lb < kb; lb++) {
                    terms.accumulate(ev, ib, lb, jb, pt[lb]);
                }
                int[] pos = plan.outputPositions(ib, jb);
                maskPrg.nextLongs(masks, 0, pos.length);
                off += ev.finish(pos, plan.floodBits, masks, 0, reply, off);
                int j0 = jb * plan.colBlock;
                int bc = plan.blockCols(jb);
                for (int i = 0, t = 0; i < br; i++) {
                    for (int j = 0; j < bc; j++, t++) {
                        out.add(i0 + i, j0 + j, masks[t]);
                    }
                }
            }
            if (off != rowOffset[ib + 1]) {
                throw new IllegalStateException("reply length mismatch in row block " + ib);
            }
        }
    }

    /**
     * Where each row block's ciphertexts start in the reply (so row blocks are filled independently), and at
     * index rowBlocks() the reply's length: the header, then per output block one switched ciphertext.
     */
    static int[] replyLayout(HeParameters params, HeMatMulPlan plan) {
        return ReplyHeader.layout(plan.rowBlocks(), ib -> {
            long words = 0;
            for (int jb = 0; jb < plan.colBlocks(); jb++) {
                words += ProductEvaluator.wireWords(params, plan.blockRows(ib) * plan.blockCols(jb));
            }
            return words;
        }, plan);
    }

    /** An empty reply to the operand {@code operandId} laid out by {@link #replyLayout}, its header set. */
    private static long[] newReply(int[] rowOffset, HeMatMulPlan plan, long operandId) {
        return ReplyHeader.allocate(rowOffset[plan.rowBlocks()], REPLY_MAGIC, operandId,
                (long) plan.rowBlocks() * plan.colBlocks());
    }

    private static void checkOutput(MatrixView out, HeMatMulPlan plan) {
        if (out.rows() != plan.rows || out.cols() != plan.cols) {
            throw new IllegalArgumentException("output view is " + out.rows() + "x" + out.cols() + ", product is "
                    + plan.rows + "x" + plan.cols);
        }
    }

    /** Key owner: decrypts the reply and adds P*E - R into {@code out} (r x c). */
    static void decryptResult(HeContext ctx, long[] reply, HeMatMulPlan plan, long expectedId, MatrixView out) {
        checkOutput(out, plan);
        int rb = plan.rowBlocks();
        int cb = plan.colBlocks();
        ReplyHeader.check(reply, replyLayout(ctx.params(), plan)[rb], REPLY_MAGIC, (long) rb * cb, expectedId,
                "HE product", "encrypted matrix", plan);
        SecretKey sk = ctx.secretKey();
        int off = ReplyHeader.WORDS;
        long[] vals = new long[plan.rowBlock * plan.colBlock];
        for (int ib = 0; ib < rb; ib++) {
            int i0 = ib * plan.rowBlock;
            int br = plan.blockRows(ib);
            for (int jb = 0; jb < cb; jb++) {
                int[] pos = plan.outputPositions(ib, jb);
                off += sk.decryptSwitched(reply, off, pos, vals, 0);
                int j0 = jb * plan.colBlock;
                int bc = plan.blockCols(jb);
                for (int i = 0, t = 0; i < br; i++) {
                    for (int j = 0; j < bc; j++, t++) {
                        out.add(i0 + i, j0 + j, vals[t]);
                    }
                }
            }
        }
    }

    private static void checkPlan(int pRows, int pCols, EncryptedMatrix e, HeMatMulPlan plan) {
        if (!e.hasCiphertexts()) {
            throw new IllegalArgumentException("the key owner's handle of an encrypted matrix holds no ciphertexts; "
                    + "only the other party can multiply by it");
        }
        if (pRows != plan.rows || pCols != plan.inner || e.rows() != plan.inner || e.cols() != plan.cols
                || e.innerBlock() != plan.innerBlock || e.colBlock() != plan.colBlock) {
            throw new IllegalArgumentException(String.format(
                    "plan %s does not fit plaintext %dx%d and encrypted %dx%d (blocks %dx%d)", plan, pRows, pCols,
                    e.rows(), e.cols(), e.innerBlock(), e.colBlock()));
        }
    }
}
