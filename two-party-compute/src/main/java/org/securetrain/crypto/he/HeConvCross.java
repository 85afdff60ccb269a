package org.securetrain.crypto.he;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;

/**
 * One HE cross term of a correlation ({@link ConvShape}) over one channel, both roles, in the HomConv
 * coefficient encoding of {@link ConvPlan} (no im2col, no rotation): additive shares of out = K (*) In where
 * the {@link Multiplier} holds the kernel K in the clear and the {@link KeyOwner} holds the input In. The
 * key owner encrypts its input polynomials (one message, seeded ciphertexts as {@link HeCrossProduct}); the
 * multiplier sums kernel-times-input products over the channel blocks, re-randomises, floods, switches to
 * 2^80, keeps only the output coefficients, subtracts a fresh uniform mask R per output and replies (one
 * message); the key owner decrypts. Outputs: multiplier's share R, key owner's share K (*) In - R, both
 * added into the caller's output array (outCh x groups x outH x outW). Traffic is attributed to
 * {@value #STEP}.
 */
public final class HeConvCross {
    public static final String STEP = "he.conv.cross";
    static final long REPLY_MAGIC = 0x4845434f4e563031L; // "HECONV01"

    private HeConvCross() {
    }

    /** The key owner's role: encrypts its input under its own key and sends it, later decrypts the reply. */
    public static final class KeyOwner extends KeyOwnerRole<ConvPlan> {
        private final long[] in;
        private final long[] out;

        /**
         * Encrypts {@code in} (groups x inCh x h x w) and adds K (*) In - R into {@code out} (outCh x groups x outH x
         * outW).
         */
        public KeyOwner(CrossTerm<ConvPlan> t, long[] in, long[] out) {
            super(t, STEP);
            this.in = in;
            this.out = out;
        }

        /** Encrypts the input and sends it; {@code helper} (or null) shares the work. */
        @Override
        public void send(ExecutorService helper) {
            ConvPlan plan = term.plan();
            if (in.length != plan.shape.inputLength()) {
                throw new IllegalArgumentException("correlation input has " + in.length + " elements, " + plan.shape
                        + " needs " + plan.shape.inputLength());
            }
            int n = term.ctx().params().n();
            int count = plan.inputCiphertexts();
            long[] polys = new long[count * n];
            for (int gb = 0, u = 0; gb < plan.groupBlocks(); gb++) {
                for (int cb = 0; cb < plan.chBlocks(); cb++) {
                    for (int tile = 0; tile < plan.tiles(); tile++, u++) {
                        plan.encodeInput(in, gb, cb, tile, polys, u * n);
                    }
                }
            }
            long[][] wire = new long[1][];
            // each polynomial is one N x 1 block of an (count N) x 1 "matrix": the matrix encryption as is
            EncryptedMatrix.encrypt(term.ctx(), MatrixView.of(polys, count * n, 1), n, 1, operandId(), wire, helper);
            sendMessage(wire[0]);
        }

        /** Receives the reply and adds K (*) In - R into the output. */
        @Override
        public void finish() {
            decrypt(term.ctx(), receiveMessage(), term.plan(), operandId(), out);
        }
    }

    /** The multiplier's role: receives the encrypted input, computes the masked products and replies. */
    public static final class Multiplier extends MultiplierRole<ConvPlan> {
        private final long[] kernel;
        private final long[] out;

        /** Multiplies by {@code kernel} (outCh x inCh x kh x kw, clear) and adds its share R into {@code out}. */
        public Multiplier(CrossTerm<ConvPlan> t, long[] kernel, long[] out) {
            super(checked(t, kernel, out), STEP, "HE convolution");
            this.kernel = kernel;
            this.out = out;
        }

        private static CrossTerm<ConvPlan> checked(CrossTerm<ConvPlan> t, long[] kernel, long[] out) {
            ConvShape s = t.plan().shape;
            if (kernel.length != s.kernelLength() || out.length != s.outputLength()) {
                throw new IllegalArgumentException(s + ": kernel has " + kernel.length + " elements (needs "
                        + s.kernelLength() + "), output " + out.length + " (needs " + s.outputLength() + ")");
            }
            return t;
        }

        @Override
        MultiplierJob<?> start(long[] wire) {
            int n = term.ctx().params().n();
            int count = term.plan().inputCiphertexts();
            EncryptedMatrix e = EncryptedMatrix.parse(term.ctx(), wire, count * n, 1, n, 1);
            return new Job(term.ctx(), kernel, e, term.plan(), out);
        }
    }

    /** Where each output ciphertext starts in the reply; at index outputCiphertexts() the reply's length. */
    static int[] replyLayout(HeParameters params, ConvPlan plan) {
        return ReplyHeader.layout(plan.outputCiphertexts(),
                u -> ProductEvaluator.wireWords(params, unitOutputs(plan, u)), plan);
    }

    private static int unitOutputs(ConvPlan plan, int u) {
        int tiles = plan.tiles();
        int gbs = plan.groupBlocks();
        return plan.unitOutputs(u / (gbs * tiles), (u / tiles) % gbs, u % tiles);
    }

    /** The multiplier's work: its output ciphertexts, shareable between threads ({@link MultiplierJob}). */
    private static final class Job extends MultiplierJob<Worker> {
        private final HeContext ctx;
        private final long[] kernel;
        private final EncryptedMatrix e;
        private final ConvPlan plan;
        private final long[] out;
        private final long[] reply;
        private final int[] offsets;

        Job(HeContext ctx, long[] kernel, EncryptedMatrix e, ConvPlan plan, long[] out) {
            this(ctx, kernel, e, plan, out, replyLayout(ctx.params(), plan));
        }

        private Job(HeContext ctx, long[] kernel, EncryptedMatrix e, ConvPlan plan, long[] out, int[] offsets) {
            this(ctx, kernel, e, plan, out, offsets, ReplyHeader.allocate(offsets[plan.outputCiphertexts()],
                    REPLY_MAGIC, e.id(), plan.outputCiphertexts()));
        }

        private Job(HeContext ctx, long[] kernel, EncryptedMatrix e, ConvPlan plan, long[] out, int[] offsets,
                long[] reply) {
            super(plan.outputCiphertexts(), reply, "HE convolution");
            this.ctx = ctx;
            this.kernel = kernel;
            this.e = e;
            this.plan = plan;
            this.out = out;
            this.offsets = offsets;
            this.reply = reply;
        }

        @Override
        Worker newWorker() {
            return new Worker(ctx, plan, kernel);
        }

        @Override
        void unit(Worker w, int u) {
            w.unit(e, out, reply, offsets, u);
        }
    }

    /** Per-thread state of the multiplier: evaluator, mask PRG, the kernel plaintexts of the current output block. */
    private static final class Worker {
        private final ConvPlan plan;
        private final RnsBase base;
        private final long[] kernel;
        private final ProductEvaluator ev;
        private final HePrg maskPrg;
        private final long[][] pt;
        private final long[] coeffs;
        private final boolean[] kernelSupport;
        private int ptBlock = -1;

        Worker(HeContext ctx, ConvPlan plan, long[] kernel) {
            this.plan = plan;
            this.base = ctx.params().base();
            this.kernel = kernel;
            ev = new ProductEvaluator(ctx.params(), ctx.peerPublicKey(), ctx.random());
            maskPrg = HePrg.fresh(ctx.random());
            pt = new long[plan.chBlocks()][base.polyLength()];
            coeffs = new long[base.n];
            kernelSupport = plan.kernelSupport(base.n);
        }

        void unit(EncryptedMatrix e, long[] out, long[] reply, int[] offsets, int u) {
            int tiles = plan.tiles();
            int gbs = plan.groupBlocks();
            int ob = u / (gbs * tiles);
            int gb = (u / tiles) % gbs;
            int tile = u % tiles;
            if (ob != ptBlock) {
                for (int cb = 0; cb < plan.chBlocks(); cb++) {
                    Arrays.fill(coeffs, 0);
                    plan.encodeKernel(kernel, ob, cb, coeffs);
                    base.encodeSparse(coeffs, kernelSupport, pt[cb]);
                }
                ptBlock = ob;
            }
            for (int cb = 0; cb < plan.chBlocks(); cb++) {
                int ct = (gb * plan.chBlocks() + cb) * tiles + tile;
                ev.multiplyAccumulate(e.c0(ct, 0), e.c1(ct, 0), pt[cb]);
            }
            int[] pos = plan.outputPositions(ob, gb, tile);
            long[] masks = new long[pos.length];
            maskPrg.nextLongs(masks, 0, pos.length);
            int words = ev.finish(pos, plan.floodBits, masks, 0, reply, offsets[u]);
            if (offsets[u] + words != offsets[u + 1]) {
                throw new IllegalStateException("reply length mismatch in output ciphertext " + u);
            }
            for (int t = 0; t < pos.length; t++) {
                out[plan.outputIndex(ob, gb, tile, t)] += masks[t];
            }
        }
    }

    /** Key owner: decrypts the reply and adds K (*) In - R into {@code out}. */
    static void decrypt(HeContext ctx, long[] reply, ConvPlan plan, long expectedId, long[] out) {
        if (out.length != plan.shape.outputLength()) {
            throw new IllegalArgumentException("output has " + out.length + " elements, " + plan.shape + " gives "
                    + plan.shape.outputLength());
        }
        int units = plan.outputCiphertexts();
        int[] offsets = replyLayout(ctx.params(), plan);
        ReplyHeader.check(reply, offsets[units], REPLY_MAGIC, units, expectedId, "HE convolution", "encrypted input",
                plan);
        SecretKey sk = ctx.secretKey();
        int tiles = plan.tiles();
        int gbs = plan.groupBlocks();
        for (int u = 0; u < units; u++) {
            int ob = u / (gbs * tiles);
            int gb = (u / tiles) % gbs;
            int tile = u % tiles;
            int[] pos = plan.outputPositions(ob, gb, tile);
            long[] vals = new long[pos.length];
            sk.decryptSwitched(reply, offsets[u], pos, vals, 0);
            for (int t = 0; t < pos.length; t++) {
                out[plan.outputIndex(ob, gb, tile, t)] += vals[t];
            }
        }
    }
}
