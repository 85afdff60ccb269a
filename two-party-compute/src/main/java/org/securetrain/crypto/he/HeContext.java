package org.securetrain.crypto.he;

import java.security.SecureRandom;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Session;

/**
 * One party's HE state for a session: the parameters, its own secret key (it is the key owner of the
 * operands it encrypts), and the peer's public key (used only to re-randomise the results it returns to
 * the peer). Both parties call {@link #open} once per session; it exchanges public keys on the channel
 * {@value #KEY_CHANNEL} (one message each way, about 218 KiB), agreeing on the parameters through the
 * stream's transcript (different parameters fail both parties, naming both). The threads a product uses
 * belong to the session ({@link org.securetrain.runtime.PartyThreads}).
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
public final class HeContext implements AutoCloseable {
    public static final String KEY_CHANNEL = "he.keys";

    private final HeParameters params;
    private final int party;
    private final SecureRandom rnd;
    private final SecretKey secretKey;
    private final PublicKey peerPublicKey;
    private final java.util.concurrent.atomic.AtomicLong crossTerms = new java.util.concurrent.atomic.AtomicLong();

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
        ch.agree("exchanges HE public keys for " + params + " (fingerprint " + Long.toHexString(params.fingerprint())
                + ")");
        PublicKey peer;
        try (var step = ch.step("he.keys")) {
            ch.sendLongs(own.toWire(base));
            peer = PublicKey.fromWire(base, ch.receiveLongs());
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

    /** HE cross terms this session has run (both roles), counted against {@link HeParameters#plannedCrossTerms}. */
    public long crossTermsRun() {
        return crossTerms.get();
    }

    /**
     * Counts {@code count} cross terms of the product {@code what} against the session's plan before any of them
     * runs, or refuses them: the flooding of each cross term is sized for at most
     * {@link HeParameters#plannedCrossTerms} of them (the per-session union bound, docs/security/he.md), and one
     * more would take the session below its statistical security. Both parties count the same cross terms of the
     * same products (they follow from the agreed shapes and zero flags), so both refuse the same product.
     */
    public void reserveCrossTerms(int count, String what) {
        if (count < 0) {
            throw new IllegalArgumentException("negative cross-term count " + count);
        }
        long planned = params.plannedCrossTerms();
        long before = crossTerms.getAndAdd(count);
        if (before + count > planned) {
            crossTerms.addAndGet(-count);
            throw new StatisticalBudgetExhaustedException("HE product '" + what + "' would be cross term " + (before + 1)
                    + (count > 1 ? "-" + (before + count) : "") + " of a session planned for " + planned
                    + " cross terms at " + params.runStatisticalSecurity() + "-bit statistical security (each flooded at "
                    + params.statisticalSecurity() + " bits); beyond the plan the union bound no longer gives "
                    + params.runStatisticalSecurity() + " bits. Plan more cross terms for the run (at both parties: "
                    + "SecurePartyContext.Builder.statisticalSecurity, launcher --he-cross-terms) and start a new session");
        }
    }

    /** Nothing to release: the keys are garbage, the threads belong to the session. */
    @Override
    public void close() {
    }
}
