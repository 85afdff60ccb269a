package org.securetrain.protocols;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.HeCrossProduct;
import org.securetrain.crypto.he.HeMatMulPlan;
import org.securetrain.crypto.he.MatrixView;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionException;

/**
 * Secure product of two additively shared matrices over Z_2^64 (DESIGN.md 4.2): Z = A B with
 * A = A0 + A1, B = B0 + B1, party i holding (A_i, B_i).
 * Z = A0 B0 + A1 B1 + A0 B1 + A1 B0: the first two terms are local, each cross term is one HE round
 * ({@link HeCrossProduct}): the holder of one factor encrypts it under its own key, the other multiplies
 * by its plaintext share with the rotation-free coefficient encoding, masks, floods, switches and returns.
 * Both cross terms run at the same time in opposite directions on the channels
 * {@code he.<id>.p0enc} / {@code he.<id>.p1enc} (named by the key owner), each party using
 * its calling thread plus one helper thread. The orientation (encrypt B and multiply by A, or encrypt
 * A^T and multiply by B^T) and block sizes are chosen by the cost model from the public shapes.
 * Output: this party's fresh additive share of Z (m x n, row-major) at the scale of the inputs' product
 * (no truncation here).
 *
 * <p>Before any data flows the parties exchange a small header (shapes, transposition flags, zero-share
 * flags, HE parameters, protocol id) on {@code he.<id>.hdr}; any mismatch fails on both sides with a
 * message that states both views.
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
public final class SecureMatMul {
    public static final String HEADER_STEP = "he.matmul.header";
    private static final long HEADER_MAGIC = 0x48454d4d48445231L; // "HEMMHDR1"
    private static final int KIND_PRODUCT = 1;

    private SecureMatMul() {
    }

    /**
     * This party's share of A*B. Both parties call it with their shares, equal logical shapes and
     * transposition flags, and the same protocol id (e.g. "dense1.fwd").
     */
    public static long[] multiply(Session s, HeContext ctx, MatrixShare a, MatrixShare b, ProtocolId id) {
        java.util.Objects.requireNonNull(id, "protocol id");
        if (a.cols() != b.rows()) {
            throw new IllegalArgumentException("party " + s.party() + " cannot multiply " + a.describe() + " by "
                    + b.describe() + ": inner dimensions differ");
        }
        int m = a.rows();
        int k = a.cols();
        int n = b.cols();
        int me = s.party();
        int peer = 1 - me;
        long flags = (a.transposed() ? 1 : 0) | (b.transposed() ? 2 : 0) | (a.isZero() ? 4 : 0) | (b.isZero() ? 8 : 0);
        long[] mine = {HEADER_MAGIC, KIND_PRODUCT, ctx.params().fingerprint(), idHash(id), m, k, n, flags, 0};
        long[] theirs = exchangeHeader(s, id, mine);
        long pf = theirs[7];
        boolean peerAZero = (pf & 4) != 0;
        boolean peerBZero = (pf & 8) != 0;
        boolean sameShape = theirs[4] == m && theirs[5] == k && theirs[6] == n;
        // transposition flags must agree where both shares carry a layout
        boolean flagsAgree = (a.isZero() || peerAZero || ((pf & 1) != 0) == a.transposed())
                && (b.isZero() || peerBZero || ((pf & 2) != 0) == b.transposed());
        if (theirs[1] != KIND_PRODUCT || !sameShape || !flagsAgree) {
            String peerDesc = theirs[1] != KIND_PRODUCT ? "party " + peer + " runs a different HE call"
                    : "party " + peer + " multiplies " + theirs[4] + "x" + theirs[5] + ((pf & 1) != 0 ? "^T" : "")
                            + " by " + theirs[5] + "x" + theirs[6] + ((pf & 2) != 0 ? "^T" : "");
            throw new IllegalArgumentException("secure matmul '" + id + "' shape mismatch: " + peerDesc + ", party "
                    + me + " expects " + m + "x" + k + (a.transposed() ? "^T" : "") + " by " + k + "x" + n
                    + (b.transposed() ? "^T" : ""));
        }

        long[] z = new long[m * n];
        boolean localTerm = !a.isZero() && !b.isZero();
        // cross term A_me B_peer runs iff both shares are non-zero; A_peer B_me likewise
        boolean crossMineA = !a.isZero() && !peerBZero;
        boolean crossMineB = !peerAZero && !b.isZero();
        if (!crossMineA && !crossMineB) {
            if (localTerm) {
                localProduct(a.view(), b.view(), MatrixView.of(z, m, n));
            }
            return z;
        }
        boolean transposedOrientation = chooseTransposedOrientation(ctx, m, k, n);
        HeMatMulPlan plan = transposedOrientation ? HeMatMulPlan.choose(ctx.params(), n, k, m)
                : HeMatMulPlan.choose(ctx.params(), m, k, n);
        MatrixView zView = MatrixView.of(z, m, n);
        // Orientation "normal": P = A, E = B, output Z. "transposed": P = B^T, E = A^T, output Z^T.
        // As key owner I encrypt my B (normal) or my A^T (transposed); the term is A_peer B_me or A_me B_peer.
        boolean keyOwnerActive = transposedOrientation ? crossMineA : crossMineB;
        boolean multiplierActive = transposedOrientation ? crossMineB : crossMineA;
        long[] zKey = keyOwnerActive ? new long[m * n] : null;
        long[] zMul = multiplierActive ? new long[m * n] : null;
        ProtocolId he = id.under("he");
        Channel keyCh = s.channel(he.child("p" + me + "enc"));
        Channel mulCh = s.channel(he.child("p" + peer + "enc"));
        Future<?> mulTask = null;
        CompletableFuture<HeCrossProduct.Job> sharedJob = new CompletableFuture<>();
        try {
            if (multiplierActive && !keyOwnerActive) {
                // the only HE role of this party: both of its threads multiply
                MatrixView p = transposedOrientation ? b.view().transpose() : a.view();
                MatrixView out = transposedOrientation ? MatrixView.of(zMul, m, n).transpose() : MatrixView.of(zMul, m, n);
                if (localTerm) {
                    localProduct(a.view(), b.view(), zView);
                    localTerm = false;
                }
                HeCrossProduct.runMultiplier(mulCh, ctx, p, plan, out, ctx.helper());
            } else if (multiplierActive) {
                // helper thread: receive the peer's ciphertexts, multiply, send the reply; the calling thread
                // joins the multiplication (row blocks from a shared counter) once its own ciphertexts are sent
                MatrixView p = transposedOrientation ? b.view().transpose() : a.view();
                MatrixView out = transposedOrientation ? MatrixView.of(zMul, m, n).transpose() : MatrixView.of(zMul, m, n);
                mulTask = ctx.helper().submit(() -> {
                    try (var step = mulCh.step(HeCrossProduct.STEP)) {
                        long[] wire = mulCh.receiveLongs();
                        HeCrossProduct.Job job = HeCrossProduct.Job.create(ctx, p,
                                HeCrossProduct.receiveOperand(ctx, wire, plan), plan, out);
                        sharedJob.complete(job);
                        job.work();
                        mulCh.sendLongs(job.awaitReply());
                    } catch (RuntimeException | Error e) {
                        sharedJob.completeExceptionally(e);
                        abortQuietly(s, "party " + me + " HE multiplier failed: " + e);
                        throw e;
                    }
                    return null;
                });
            }
            if (keyOwnerActive) {
                MatrixView e = transposedOrientation ? a.view().transpose() : b.view();
                MatrixView out = transposedOrientation ? MatrixView.of(zKey, m, n).transpose() : MatrixView.of(zKey, m, n);
                long matrixId = ctxRandomId(ctx);
                long[][] wire = new long[1][];
                try (var step = keyCh.step(HeCrossProduct.STEP)) {
                    HeCrossProduct.encryptOperand(ctx, e, plan.innerBlock, plan.colBlock, matrixId, wire,
                            multiplierActive ? null : ctx.helper());
                    keyCh.sendLongs(wire[0]);
                    wire[0] = null;
                    if (localTerm) { // overlap the local term with the peer's work
                        localProduct(a.view(), b.view(), zView);
                        localTerm = false;
                    }
                    if (multiplierActive) {
                        sharedJob.get().work(); // help with the peer's product while ours is computed
                    }
                    long[] reply = keyCh.receiveLongs();
                    HeCrossProduct.decryptResult(ctx, reply, plan, matrixId, out);
                }
            }
            if (localTerm) {
                localProduct(a.view(), b.view(), zView);
            }
            if (mulTask != null) {
                mulTask.get();
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            abortQuietly(s, "party " + me + " interrupted in secure matmul");
            throw new SessionException("interrupted in secure matmul '" + id + "'", ie);
        } catch (ExecutionException ee) {
            Throwable c = ee.getCause();
            if (mulTask != null) {
                mulTask.cancel(true);
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException(c);
        } catch (RuntimeException | Error e) {
            if (mulTask != null) {
                mulTask.cancel(true);
            }
            if (!(e instanceof SessionException)) {
                abortQuietly(s, "party " + me + " secure matmul failed: " + e);
            }
            throw e;
        }
        if (zKey != null) {
            for (int i = 0; i < z.length; i++) {
                z[i] += zKey[i];
            }
        }
        if (zMul != null) {
            for (int i = 0; i < z.length; i++) {
                z[i] += zMul[i];
            }
        }
        return z;
    }

    /** True when encrypting A^T and multiplying by B^T is estimated cheaper than encrypting B. */
    static boolean chooseTransposedOrientation(HeContext ctx, int m, int k, int n) {
        HeMatMulPlan normal = null;
        HeMatMulPlan transposed = null;
        IllegalArgumentException first = null;
        try {
            normal = HeMatMulPlan.choose(ctx.params(), m, k, n);
        } catch (IllegalArgumentException e) {
            first = e;
        }
        try {
            transposed = HeMatMulPlan.choose(ctx.params(), n, k, m);
        } catch (IllegalArgumentException e) {
            if (first == null) {
                first = e;
            }
        }
        if (normal == null && transposed == null) {
            throw first;
        }
        if (normal == null) {
            return true;
        }
        if (transposed == null) {
            return false;
        }
        return transposed.estimatedCostPicos() < normal.estimatedCostPicos();
    }

    /** The plan (and orientation) a product of these shapes would use: for benchmarks and reports. */
    public static String describePlan(HeContext ctx, int m, int k, int n) {
        boolean t = chooseTransposedOrientation(ctx, m, k, n);
        return (t ? "encrypt A^T, multiply by B^T: " : "encrypt B, multiply by A: ")
                + (t ? HeMatMulPlan.choose(ctx.params(), n, k, m) : HeMatMulPlan.choose(ctx.params(), m, k, n));
    }

    // ---- local ring product ------------------------------------------------------------------------

    /** out += a * b over Z_2^64 (plain long arithmetic), any strides. */
    public static void localProduct(MatrixView a, MatrixView b, MatrixView out) {
        int m = a.rows();
        int k = a.cols();
        int n = b.cols();
        if (b.rows() != k || out.rows() != m || out.cols() != n) {
            throw new IllegalArgumentException("local product shapes " + a.rows() + "x" + a.cols() + " by " + b.rows()
                    + "x" + b.cols() + " into " + out.rows() + "x" + out.cols());
        }
        long[] ad = a.data();
        long[] bd = b.data();
        long[] od = out.data();
        if (b.colStride() == 1 && out.colStride() == 1) {
            // rows of B and Z contiguous: Z[i,:] += A[i,l] * B[l,:]
            long[] row = new long[n];
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(row, 0);
                for (int l = 0; l < k; l++) {
                    long ail = ad[a.offset() + i * a.rowStride() + l * a.colStride()];
                    if (ail == 0) {
                        continue;
                    }
                    int bo = b.offset() + l * b.rowStride();
                    for (int j = 0; j < n; j++) {
                        row[j] += ail * bd[bo + j];
                    }
                }
                int oo = out.offset() + i * out.rowStride();
                for (int j = 0; j < n; j++) {
                    od[oo + j] += row[j];
                }
            }
            return;
        }
        if (b.rowStride() == 1) {
            // columns of B contiguous (B stored transposed): dot products with a gathered row of A
            long[] arow = new long[k];
            for (int i = 0; i < m; i++) {
                for (int l = 0; l < k; l++) {
                    arow[l] = ad[a.offset() + i * a.rowStride() + l * a.colStride()];
                }
                for (int j = 0; j < n; j++) {
                    int bo = b.offset() + j * b.colStride();
                    long acc = 0;
                    for (int l = 0; l < k; l++) {
                        acc += arow[l] * bd[bo + l];
                    }
                    out.add(i, j, acc);
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long acc = 0;
                for (int l = 0; l < k; l++) {
                    acc += a.get(i, l) * b.get(l, j);
                }
                out.add(i, j, acc);
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static long[] exchangeHeader(Session s, ProtocolId id, long[] mine) {
        Channel ch = s.channel(id.under("he").child("hdr"));
        long[] theirs;
        try (var step = ch.step(HEADER_STEP)) {
            ch.sendLongs(mine);
            theirs = ch.receiveLongs();
        }
        if (theirs.length != mine.length || theirs[0] != HEADER_MAGIC) {
            throw new IllegalStateException("party " + s.party() + ": malformed HE product header from the peer on '"
                    + id + "'");
        }
        if (theirs[2] != mine[2]) {
            throw new IllegalStateException("party " + s.party() + ": HE parameters differ from the peer's on '" + id
                    + "'");
        }
        if (theirs[3] != mine[3]) {
            throw new IllegalStateException("party " + s.party() + ": the peer runs a different product on channel '"
                    + id + "' (protocol id hash differs)");
        }
        return theirs;
    }

    private static long idHash(ProtocolId id) {
        long h = 1125899906842597L;
        for (byte c : id.name().getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + c;
        }
        return h;
    }

    private static final java.security.SecureRandom IDS = new java.security.SecureRandom();

    private static long ctxRandomId(HeContext ctx) {
        return IDS.nextLong();
    }

    private static void abortQuietly(Session s, String reason) {
        try {
            s.abort(reason);
        } catch (RuntimeException ignored) {
            // already failed or closed
        }
    }
}
