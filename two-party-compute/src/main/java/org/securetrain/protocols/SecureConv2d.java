package org.securetrain.protocols;

import java.util.Objects;
import org.securetrain.backend.ShareKind;
import org.securetrain.crypto.he.ConvPlan;
import org.securetrain.crypto.he.ConvShape;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.HeConvCross;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;

/**
 * The secure correlation of an additively shared kernel K = K0 + K1 with an additively shared input
 * In = In0 + In1 over Z_2^64 ({@link ConvShape}; a convolution layer's forward, weight-gradient and
 * input-gradient products all take this form), one object per party and session, without im2col.
 * K (*) In = K0 (*) In0 + K1 (*) In1 + K0 (*) In1 + K1 (*) In0: the first two terms are local, each cross term
 * is one HE round trip of {@link HeConvCross} (HomConv coefficient encoding): the holder of the input share
 * encrypts it under its own key, the holder of the kernel share multiplies, floods, masks and returns only the
 * output coefficients. Both cross terms run at once in opposite directions on the channels
 * {@code hc.<id>.p0enc} / {@code hc.<id>.p1enc} (named by the key owner), threads as in {@link SecureMatMul}.
 * A share known to be zero drops the cross terms it takes part in. Output: this party's fresh additive share
 * of out (outCh x groups x outH x outW).
 */
public final class SecureConv2d {
    private final CrossTermRoles roles;

    public SecureConv2d(Session session, HeContext he) {
        this.roles = new CrossTermRoles(session, he, "secure correlation");
    }

    /**
     * This party's share of K (*) In. Both parties call it with their shares (null where the kind makes the
     * share zero), the same shape, kinds and protocol id.
     */
    public long[] correlate(long[] kernel, ShareKind kernelKind, long[] input, ShareKind inputKind, ConvShape shape,
            ProtocolId id) {
        Objects.requireNonNull(id, "protocol id");
        Objects.requireNonNull(shape, "shape");
        Session session = roles.session();
        int me = session.party();
        check(kernel, kernelKind, shape.kernelLength(), "kernel", id);
        check(input, inputKind, shape.inputLength(), "input", id);
        ProtocolId stream = id.under("hc");
        String record = "correlates " + shape + ", kernel " + kernelKind + ", input " + inputKind;
        session.channel(stream.child("p0enc")).agree(record);
        session.channel(stream.child("p1enc")).agree(record);
        boolean local = !kernelKind.isZeroAt(me) && !inputKind.isZeroAt(me);
        // as multiplier: my kernel times the peer's input; as key owner: the peer's kernel times my input
        boolean multiplier = !kernelKind.isZeroAt(me) && !inputKind.isZeroAt(1 - me);
        boolean keyOwner = !kernelKind.isZeroAt(1 - me) && !inputKind.isZeroAt(me);
        long[] z = new long[shape.outputLength()];
        Runnable localTerm = () -> {
            if (local) {
                shape.correlateInto(kernel, input, z);
            }
        };
        if (!multiplier && !keyOwner) {
            localTerm.run();
            return z;
        }
        ConvPlan plan = ConvPlan.choose(roles.he().params(), shape);
        // counted against the session's planned cross terms (run-level statistical security), as SecureMatMul does
        roles.runCounted(id, (multiplier ? 1 : 0) + (keyOwner ? 1 : 0), () -> roles.runSeparate(id, stream, plan, z,
                !keyOwner ? null : (t, out) -> new HeConvCross.KeyOwner(t, input, out),
                !multiplier ? null : (t, out) -> new HeConvCross.Multiplier(t, kernel, out),
                plan.outputCiphertexts(), localTerm));
        return z;
    }

    private void check(long[] share, ShareKind kind, int length, String what, ProtocolId id) {
        Objects.requireNonNull(kind, what + " share kind");
        int party = roles.session().party();
        if (kind.isZeroAt(party)) {
            return;
        }
        if (share == null || share.length != length) {
            throw new IllegalArgumentException("secure correlation '" + id + "': party " + party + "'s "
                    + what + " share has " + (share == null ? "no data" : share.length + " elements") + ", expected "
                    + length);
        }
    }
}
