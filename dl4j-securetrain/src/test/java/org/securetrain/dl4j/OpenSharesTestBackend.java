package org.securetrain.dl4j;

import java.util.SplittableRandom;
import org.securetrain.backend.Backend;
import org.securetrain.backend.Bits;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.Operand;
import org.securetrain.backend.ShareKind;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.ProtocolId;

/**
 * TEST ONLY, INSECURE. A genuinely two-party {@link Backend} with no protection at all: every operation
 * opens its operands to both parties over the session (each sends its share, both add), computes with the
 * plaintext reference semantics and re-shares the result with masks from a PRG both parties seed alike.
 *
 * <p>It exists so that the DL4J integration can be tested as two parties in one JVM now, before the real
 * {@code TwoPartyBackend} lands: both networks hold real additive shares, call the backend in the same order
 * with the same shapes (a mismatch breaks the exchange), and the model owner's (0, X) inputs really are zero
 * (checked on every product against the declared {@link ShareKind}). It reports {@code
 * isInsecureReference() == false} only so that a two-party context accepts it; it protects nothing.
 */
final class OpenSharesTestBackend implements Backend {
    private final int me;
    private final FixedPoint fp;
    private final InsecurePlaintextBackend plain;
    private final Channel ch;
    private final SplittableRandom masks = new SplittableRandom(0x5EC2E7L); // same stream at both parties

    OpenSharesTestBackend(Session session, FixedPoint fp) {
        this.me = session.party();
        this.fp = fp;
        this.plain = new InsecurePlaintextBackend(fp);
        this.ch = session.channel("test.open-shares");
    }

    @Override
    public FixedPoint fixedPoint() {
        return fp;
    }

    @Override
    public boolean actsFor(int p) {
        return p == me;
    }

    @Override
    public boolean isInsecureReference() {
        return false;
    }

    private long[] open(long[] share) {
        ch.sendLongs(share);
        long[] other = ch.receiveLongs();
        if (other.length != share.length) {
            throw new IllegalStateException("parties disagree on a tensor size: " + share.length + " vs " + other.length);
        }
        long[] v = new long[share.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = share[i] + other[i];
        }
        return v;
    }

    private long[] openBits(long[] bits) {
        ch.sendLongs(bits);
        return Bits.xor(bits, ch.receiveLongs());
    }

    private long[] reshare(long[] v) {
        long[] s = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            long r = masks.nextLong();
            s[i] = me == 1 ? r : v[i] - r;
        }
        return s;
    }

    private long[] reshareBits(long[] bits) {
        long[] s = new long[bits.length];
        for (int i = 0; i < bits.length; i++) {
            long r = masks.nextLong();
            s[i] = me == 1 ? r : bits[i] ^ r;
        }
        return s;
    }

    private void checkKind(Operand o, ProtocolId id) {
        if (o.kind().isZeroAt(me)) {
            for (long v : o.share()) {
                if (v != 0) {
                    throw new IllegalStateException(id + ": operand declared " + o.kind() + " but party " + me
                            + "'s share is not zero");
                }
            }
        }
    }

    @Override
    public long[] multiply(Operand a, Operand b, int m, int k, int n, ProtocolId id) {
        checkKind(a, id);
        checkKind(b, id);
        long[] av = open(a.share());
        long[] bv = open(b.share());
        return reshare(plain.multiply(new Operand(av, a.transposed(), ShareKind.BOTH),
                new Operand(bv, b.transposed(), ShareKind.BOTH), m, k, n, id));
    }

    @Override
    public ReluOutput reluTruncate(long[] z, ProtocolId id) {
        ReluOutput r = plain.reluTruncate(open(z), id);
        return new ReluOutput(reshare(r.y()), reshareBits(r.bits()));
    }

    @Override
    public long[] truncate(long[] x, int bits, ProtocolId id) {
        return reshare(plain.truncate(open(x), bits, id));
    }

    @Override
    public long[] positive(long[] z, ProtocolId id) {
        return reshareBits(plain.positive(open(z), id));
    }

    @Override
    public long[] bitTimesShare(long[] bits, long[] x, ProtocolId id) {
        return reshare(plain.bitTimesShare(openBits(bits), open(x), id));
    }

    @Override
    public MaxOutput maxWithArgmax(long[] values, int k, ProtocolId id) {
        MaxOutput m = plain.maxWithArgmax(open(values), k, id);
        return new MaxOutput(reshare(m.max()), reshareBits(m.argmaxBits()));
    }

    @Override
    public long[] revealTo(int receiver, long[] share, ProtocolId id) {
        if (receiver != me) {
            ch.sendLongs(share);
            return null;
        }
        long[] other = ch.receiveLongs();
        long[] v = new long[share.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = share[i] + other[i];
        }
        return v;
    }
}
