package org.securetrain.protocols;

import java.util.Objects;
import org.securetrain.crypto.he.CrossTerm;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.HeCrossProduct;
import org.securetrain.crypto.he.HeJointProduct;
import org.securetrain.crypto.he.HeMatMulPlan;
import org.securetrain.crypto.he.HeParameters.JointProducts;
import org.securetrain.crypto.he.MatrixView;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;

/**
 * The secure product of two additively shared matrices over Z_2^64 (DESIGN.md 4.2), one object per party and
 * session: Z = A B with A = A0 + A1, B = B0 + B1, party i holding (A_i, B_i).
 * Z = A0 B0 + A1 B1 + A0 B1 + A1 B0: the first two terms are local, each cross term is one HE round
 * ({@link HeCrossProduct}): the holder of one factor encrypts it under its own key, the other multiplies
 * by its plaintext share with the rotation-free coefficient encoding, masks, floods, switches and returns.
 * Both cross terms run at the same time in opposite directions on the channels
 * {@code he.<id>.p0enc} / {@code he.<id>.p1enc} (named by the key owner), each party using
 * its calling thread and its session's threads ({@link org.securetrain.runtime.PartyThreads}): a role thread
 * for the second cross term, the compute pool to split one role's work. The orientation (encrypt B and
 * multiply by A, or encrypt A^T and multiply by B^T) and block sizes are chosen by the cost model from the
 * public shapes. A share
 * known to be zero (sharing (X, 0)) drops the cross terms it takes part in.
 * Output: this party's fresh additive share of Z (m x n, row-major) at the scale of the inputs' product
 * (no truncation here).
 *
 * <p>Each product agrees with the peer on its shapes, how each factor is shared and the layout of shared
 * factors through the transcripts of both streams ({@link org.securetrain.runtime.Channel#agree}; no
 * message): any difference fails both parties on the first message, naming both products.
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
public final class SecureMatMul {
    private final CrossTermRoles roles;

    /** The product protocol of this party over {@code session} with the HE keys of {@code he}. */
    public SecureMatMul(Session session, HeContext he) {
        this.roles = new CrossTermRoles(session, he, "secure matmul");
    }

    /**
     * This party's share of A*B. Both parties call it with their shares, equal logical shapes and
     * transposition flags, and the same protocol id (e.g. "dense1.fwd").
     */
    public long[] multiply(MatrixShare a, MatrixShare b, ProtocolId id) {
        Objects.requireNonNull(id, "protocol id");
        if (a.cols() != b.rows()) {
            throw new IllegalArgumentException("party " + roles.session().party() + " cannot multiply " + a.describe()
                    + " by " + b.describe() + ": inner dimensions differ");
        }
        Terms t = agree(a, b, id);
        long[] z = new long[t.m * t.n];
        if (!t.keyOwner && !t.multiplier) {
            localTerm(t, a, b, z);
            return z;
        }
        // the session's statistical security covers a planned number of flooded replies (cross terms); both parties
        // count alike; a joint product has one reply for both of its cross terms
        roles.runCounted(id, t.plan.joint ? 1 : (t.keyOwner ? 1 : 0) + (t.multiplier ? 1 : 0),
                () -> crossTerms(t, a, b, id, z));
        return z;
    }

    /**
     * What this party computes for one product, from the agreed public shapes and zero flags: the local term,
     * its cross-term roles (key owner of the term whose encrypted factor it holds, multiplier of the other; in a
     * joint plan exactly one of them, for both cross terms), the orientation and the plan.
     */
    private record Terms(int m, int k, int n, boolean local, boolean keyOwner, boolean multiplier,
            boolean transposed, HeMatMulPlan plan) {

        /** The factor this party encrypts as key owner: its B, or its A^T in the transposed orientation. */
        MatrixView encrypted(MatrixShare a, MatrixShare b) {
            return transposed ? a.view().transpose() : b.view();
        }

        /** The factor this party multiplies by as multiplier: its A, or its B^T in the transposed orientation. */
        MatrixView plain(MatrixShare a, MatrixShare b) {
            return transposed ? b.view().transpose() : a.view();
        }

        /** The cross term's output (Z, or Z^T in the transposed orientation) over a fresh m x n array. */
        MatrixView output(long[] z) {
            return transposed ? MatrixView.of(z, m, n).transpose() : MatrixView.of(z, m, n);
        }
    }

    /** Runs this party's cross-term roles and the local term ({@link CrossTermRoles}) and adds everything into z. */
    private void crossTerms(Terms t, MatrixShare a, MatrixShare b, ProtocolId id, long[] z) {
        if (t.plan.joint) {
            jointTerms(t, a, b, id, z);
            return;
        }
        roles.runSeparate(id, id.under("he"), t.plan, z,
                !t.keyOwner ? null : (term, out) -> new HeCrossProduct.KeyOwner(term, t.encrypted(a, b), t.output(out)),
                !t.multiplier ? null : (term, out) -> new HeCrossProduct.Multiplier(term, t.plain(a, b), t.output(out)),
                t.plan.rowBlocks(), () -> localTerm(t, a, b, z));
    }

    /**
     * Both cross terms in one reply ({@link HeJointProduct}) on the key owner's stream: the key owner encrypts both of
     * its factors, the multiplier multiplies each by its own other factor and replies once.
     */
    private void jointTerms(Terms t, MatrixShare a, MatrixShare b, ProtocolId id, long[] z) {
        int me = roles.session().party();
        int keyParty = t.keyOwner ? me : 1 - me;
        CrossTerm<HeMatMulPlan> term = roles.term(id.under("he").child("p" + keyParty + "enc"), t.plan);
        long[] zCross = new long[z.length];
        MatrixView out = t.output(zCross);
        HeJointProduct.KeyOwner key = t.keyOwner
                ? new HeJointProduct.KeyOwner(term, t.plain(a, b), t.encrypted(a, b), out) : null;
        HeJointProduct.Multiplier mul = t.multiplier
                ? new HeJointProduct.Multiplier(term, t.plain(a, b), t.encrypted(a, b), out) : null;
        roles.run(id, key, mul, t.plan.rowBlocks(), () -> localTerm(t, a, b, z));
        CrossTermRoles.addInto(z, zCross);
    }

    private static void localTerm(Terms t, MatrixShare a, MatrixShare b, long[] z) {
        if (t.local) {
            localProduct(a.view(), b.view(), MatrixView.of(z, t.m, t.n));
        }
    }

    /**
     * Agrees with the peer on the product (shapes, how each factor is shared, layouts of shared factors) on
     * both cross-term streams, then decides the terms this party runs from what was agreed: the same on both
     * sides, so the roles match. A disagreement fails both parties on the first message with both records.
     */
    private Terms agree(MatrixShare a, MatrixShare b, ProtocolId id) {
        int m = a.rows();
        int k = a.cols();
        int n = b.cols();
        Session session = roles.session();
        HeContext he = roles.he();
        int me = session.party();
        requireShare(a, "A", id);
        requireShare(b, "B", id);
        String record = "multiplies " + operand(a) + " by " + operand(b);
        ProtocolId stream = id.under("he");
        session.channel(stream.child("p0enc")).agree(record);
        session.channel(stream.child("p1enc")).agree(record);
        boolean local = !a.isZeroAt(me) && !b.isZeroAt(me);
        // cross term A_0 B_1 runs iff both shares are non-zero; A_1 B_0 likewise
        boolean crossMineA = !a.isZeroAt(me) && !b.isZeroAt(1 - me);
        boolean crossMineB = !a.isZeroAt(1 - me) && !b.isZeroAt(me);
        if (!crossMineA && !crossMineB) {
            return new Terms(m, k, n, local, false, false, false, null);
        }
        boolean transposed = chooseTransposedOrientation(he, m, k, n);
        HeMatMulPlan plan = transposed ? HeMatMulPlan.choose(he.params(), n, k, m)
                : HeMatMulPlan.choose(he.params(), m, k, n);
        if (crossMineA && crossMineB && he.params().jointProducts() != JointProducts.NEVER) {
            Joint joint = chooseJoint(he, m, k, n, separateCost(he, plan));
            if (joint != null) {
                // the key owner of the joint product alternates with the (agreed) protocol id, so that over a step
                // both parties carry about half of the multiplications
                boolean keyOwner = Math.floorMod(id.toString().hashCode(), 2) == me;
                return new Terms(m, k, n, local, keyOwner, !keyOwner, joint.transposed, joint.plan);
            }
        }
        // As key owner this party encrypts its B (normal) or its A^T (transposed): the term A_peer B_me or
        // A_me B_peer; as multiplier it multiplies the other one.
        boolean keyOwner = transposed ? crossMineA : crossMineB;
        boolean multiplier = transposed ? crossMineB : crossMineA;
        return new Terms(m, k, n, local, keyOwner, multiplier, transposed, plan);
    }

    /** A factor as both parties see it: its shape, who holds it, and the layout of a factor both share. */
    private static String operand(MatrixShare x) {
        return x.rows() + "x" + x.cols() + switch (x.kind()) {
            case BOTH -> x.transposed() ? " (shared, stored transposed)" : " (shared)";
            case ONLY_PARTY0 -> " (held by party 0)";
            case ONLY_PARTY1 -> " (held by party 1)";
        };
    }

    private void requireShare(MatrixShare x, String name, ProtocolId id) {
        int party = roles.session().party();
        if (x.data() == null && !x.isZeroAt(party)) {
            throw new IllegalArgumentException("secure matmul '" + id + "': party " + party
                    + " has no data for its share of " + name + " " + x.describe());
        }
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

    /**
     * What a joint plan must cost less than to be used: the two separate cross terms of {@code separate}, or no limit
     * with {@link JointProducts#ALWAYS}.
     */
    private static long separateCost(HeContext ctx, HeMatMulPlan separate) {
        return ctx.params().jointProducts() == JointProducts.ALWAYS ? Long.MAX_VALUE : 2 * separate.estimatedCostPicos();
    }

    /** A joint plan (both cross terms in one reply) and its orientation. */
    private record Joint(boolean transposed, HeMatMulPlan plan) {
    }

    /**
     * The cheaper orientation of the joint product (one reply for both cross terms), or null when neither fits the
     * noise budget or neither is estimated cheaper than {@code separateCost}, the cost of the two separate cross
     * terms. Public shapes only: both parties decide alike.
     */
    private static Joint chooseJoint(HeContext ctx, int m, int k, int n, long separateCost) {
        Joint best = null;
        for (boolean transposed : new boolean[] {false, true}) {
            HeMatMulPlan p;
            try {
                p = transposed ? HeMatMulPlan.chooseJoint(ctx.params(), n, k, m)
                        : HeMatMulPlan.chooseJoint(ctx.params(), m, k, n);
            } catch (IllegalArgumentException e) {
                continue; // beyond the joint noise budget (k (r_w + c_w) terms) or no blocking: separate terms
            }
            if (p.estimatedCostPicos() < separateCost
                    && (best == null || p.estimatedCostPicos() < best.plan.estimatedCostPicos())) {
                best = new Joint(transposed, p);
            }
        }
        return best;
    }

    /**
     * The plan (and orientation) a product of these shapes would use when every share is non-zero (with
     * {@code bothShared} false: a product with one cross term): for benchmarks and reports.
     */
    public static String describePlan(HeContext ctx, int m, int k, int n, boolean bothShared) {
        boolean t = chooseTransposedOrientation(ctx, m, k, n);
        HeMatMulPlan separate = t ? HeMatMulPlan.choose(ctx.params(), n, k, m) : HeMatMulPlan.choose(ctx.params(), m, k, n);
        Joint joint = bothShared && ctx.params().jointProducts() != JointProducts.NEVER
                ? chooseJoint(ctx, m, k, n, separateCost(ctx, separate)) : null;
        if (joint != null) {
            return (joint.transposed ? "joint, encrypt A^T and B^T: " : "joint, encrypt A and B: ") + joint.plan;
        }
        return (t ? "encrypt A^T, multiply by B^T: " : "encrypt B, multiply by A: ") + separate;
    }

    /** The plan (and orientation) of a product with one cross term. */
    public static String describePlan(HeContext ctx, int m, int k, int n) {
        return describePlan(ctx, m, k, n, false);
    }

    // ---- local ring product ------------------------------------------------------------------------

    /** Multiply-accumulates of {@link #localProduct} in this process (a test hook, see below). */
    private static final java.util.concurrent.atomic.AtomicLong LOCAL_MACS = new java.util.concurrent.atomic.AtomicLong();

    static long localMultiplyAccumulates() {
        return LOCAL_MACS.get();
    }

    /**
     * out += a * b over Z_2^64 (plain long arithmetic), any strides. The same m*k*n multiply-accumulates for
     * every value: a and b are private shares, and skipping zero entries of a (a former shortcut) made the
     * running time depend on how sparse a party's input is. The count is added to a process counter once per
     * call, so a test can check it does not depend on the values.
     */
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
        long macs = 0;
        if (b.colStride() == 1 && out.colStride() == 1) {
            // rows of B and Z contiguous: Z[i,:] += A[i,l] * B[l,:]
            long[] row = new long[n];
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(row, 0);
                for (int l = 0; l < k; l++) {
                    long ail = ad[a.offset() + i * a.rowStride() + l * a.colStride()];
                    int bo = b.offset() + l * b.rowStride();
                    for (int j = 0; j < n; j++) {
                        row[j] += ail * bd[bo + j];
                    }
                    macs += n;
                }
                int oo = out.offset() + i * out.rowStride();
                for (int j = 0; j < n; j++) {
                    od[oo + j] += row[j];
                }
            }
            LOCAL_MACS.addAndGet(macs);
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
                    macs += k;
                    out.add(i, j, acc);
                }
            }
            LOCAL_MACS.addAndGet(macs);
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long acc = 0;
                for (int l = 0; l < k; l++) {
                    acc += a.get(i, l) * b.get(l, j);
                }
                macs += k;
                out.add(i, j, acc);
            }
        }
        LOCAL_MACS.addAndGet(macs);
    }
}
