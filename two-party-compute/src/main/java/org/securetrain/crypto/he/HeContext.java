package org.securetrain.crypto.he;

import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Session;

/**
 * One party's HE state for a session: the parameters, its own secret key (it is the key owner of the
 * operands it encrypts), and the peer's public key (used only to re-randomise the results it returns to
 * the peer). Both parties call {@link #open} once per session; it exchanges public keys on the channel
 * {@value #KEY_CHANNEL} (one message each way, about 218 KiB). Owns one helper thread so a party runs its
 * two cross-term roles concurrently (at most two threads per party). Products from several threads at
 * once are allowed (different protocol ids) but share that one helper thread, so they partly serialise.
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
public final class HeContext implements AutoCloseable {
    public static final String KEY_CHANNEL = "he.keys";
    private static final long KEY_MAGIC = 0x48454b4559533031L; // "HEKEYS01"

    private final HeParameters params;
    private final int party;
    private final SecureRandom rnd;
    private final SecretKey secretKey;
    private final PublicKey peerPublicKey;
    private volatile ExecutorService helper;

    HeContext(HeParameters params, int party, SecureRandom rnd, SecretKey secretKey, PublicKey peerPublicKey) {
        this.params = params;
        this.party = party;
        this.rnd = rnd;
        this.secretKey = secretKey;
        this.peerPublicKey = peerPublicKey;
    }

    /** Standard parameters (N = 8192, log2 q = 218). Both parties must call this together. */
    public static HeContext open(Session session) {
        return open(session, HeParameters.standard());
    }

    public static HeContext open(Session session, HeParameters params) {
        SecureRandom rnd = new SecureRandom();
        SecretKey sk = new SecretKey(params, rnd);
        PublicKey own = sk.makePublicKey(rnd);
        RnsBase base = params.base();
        Channel ch = session.channel(KEY_CHANNEL);
        PublicKey peer;
        try (var step = ch.step("he.keys")) {
            long[] pkWire = own.toWire(base);
            long[] msg = new long[2 + pkWire.length];
            msg[0] = KEY_MAGIC;
            msg[1] = params.fingerprint();
            System.arraycopy(pkWire, 0, msg, 2, pkWire.length);
            ch.sendLongs(msg);
            long[] in = ch.receiveLongs();
            if (in.length < 2 || in[0] != KEY_MAGIC) {
                throw new IllegalStateException("party " + session.party() + ": malformed HE public key message from "
                        + "the peer (" + in.length + " words)");
            }
            if (in[1] != params.fingerprint()) {
                throw new IllegalStateException("party " + session.party() + ": HE parameters differ between the "
                        + "parties (fingerprint " + Long.toHexString(params.fingerprint()) + " here, "
                        + Long.toHexString(in[1]) + " at the peer); both must use the same HeParameters");
            }
            peer = PublicKey.fromWire(base, java.util.Arrays.copyOfRange(in, 2, in.length));
        }
        return new HeContext(params, session.party(), rnd, sk, peer);
    }

    public HeParameters params() {
        return params;
    }

    /** This party's index (0 or 1). */
    public int party() {
        return party;
    }

    SecretKey secretKey() {
        return secretKey;
    }

    PublicKey peerPublicKey() {
        return peerPublicKey;
    }

    SecureRandom random() {
        return rnd;
    }

    /** The single helper thread of this party (daemon), created on first use. */
    public ExecutorService helper() {
        ExecutorService h = helper;
        if (h == null) {
            synchronized (this) {
                h = helper;
                if (h == null) {
                    h = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "he-party" + party + "-helper");
                        t.setDaemon(true);
                        return t;
                    });
                    helper = h;
                }
            }
        }
        return h;
    }

    @Override
    public void close() {
        ExecutorService h = helper;
        if (h != null) {
            h.shutdownNow();
        }
    }
}
