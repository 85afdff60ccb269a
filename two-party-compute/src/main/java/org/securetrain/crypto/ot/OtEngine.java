package org.securetrain.crypto.ot;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.securetrain.crypto.prg.LongBytes;
import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.PartyThreads;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionException;

/**
 * The per-session OT service. {@link #setup} runs the 128 Chou–Orlandi base OTs for <em>both</em>
 * directions once (concurrently, on channels {@code "ot.base.p0send"} and {@code "ot.base.p1send"}:
 * in direction "pXsend" party X is the OT-extension sender) and caches the resulting seeds. The
 * factories then hand out independent IKNP extension instances without running any base OT again.
 *
 * <h2>Protocol ids, channels and directions</h2>
 * Every factory takes the {@link ProtocolId} of the instance. Both parties must call the matching factories
 * with the same id: one party the {@code ...Sender} factory, the other the {@code ...Receiver} factory of
 * the same flavour. The sender is always <em>this</em> party when it calls a {@code ...Sender} factory
 * (so {@code cotSender} on party 0 pairs with {@code cotReceiver} on party 1, and that direction uses
 * the base OTs of "p0send"). The instance runs on its own channel {@code "ot." + id}, and its PRG
 * seeds are derived from the cached base-OT seeds with a PRF keyed per id
 * (k'_j = AES_{k_j}(id.label(domain of the direction))), so instances with different ids are
 * independent and may run concurrently in different threads. Calling a factory again with the same
 * id (same flavour and role) returns the same instance, which continues its OT stream; using an
 * id for a different flavour or role fails. All instances of one direction share the global
 * correlation delta (the IKNP key s, lsb 1), as in one free-XOR garbling session.
 *
 * <p>Each call agrees with the peer on its flavour, direction, batch length and chunking through the stream's
 * transcript ({@link org.securetrain.runtime.Channel#agree}): a mismatch between the parties (both senders,
 * different flavours, different batch lengths) fails both with an
 * {@link org.securetrain.runtime.AgreementException} naming both calls, at no extra message or round.
 * Instances are not thread-safe; the engine itself is.
 */
public final class OtEngine {
    /** Security parameter: base OTs per direction, bits of the correlation. */
    public static final int KAPPA = 128;
    /** OTs per round trip / transposition chunk unless configured otherwise (bounded memory). */
    public static final int DEFAULT_CHUNK = 1 << 20;

    private static final String LABEL_DOMAIN = "securetrain/ot/iknp-instance/v1";

    private final Session session;
    private final int party;
    private final int chunk;
    // Direction in which this party is the IKNP sender (base-OT receiver with choice s).
    private final long sLo;
    private final long sHi;
    private final byte[][] chosenKeys;
    // Direction in which this party is the IKNP receiver (base-OT sender).
    private final byte[][] keys0;
    private final byte[][] keys1;
    private final ProtocolInstances<Object> instances = new ProtocolInstances<>("OT instance",
            "use a distinct protocol id per flavour and direction");

    private OtEngine(Session session, int chunk, long sLo, long sHi, byte[][] chosenKeys, byte[][] keys0,
            byte[][] keys1) {
        this.session = session;
        this.party = session.party();
        this.chunk = chunk;
        this.sLo = sLo;
        this.sHi = sHi;
        this.chosenKeys = chosenKeys;
        this.keys0 = keys0;
        this.keys1 = keys1;
    }

    /** {@link #setup(Session, SecureRandom, int)} with {@link #DEFAULT_CHUNK}. */
    public static OtEngine setup(Session s, SecureRandom rnd) {
        return setup(s, rnd, DEFAULT_CHUNK);
    }

    /**
     * Runs the base OTs of both directions (both parties call this, once per session) and returns the
     * engine. {@code chunk} (a multiple of 64, both parties equal) bounds the OTs per extension round
     * trip and thus memory: about 48 bytes per OT of the chunk on each side.
     */
    public static OtEngine setup(Session s, SecureRandom rnd, int chunk) {
        Objects.requireNonNull(s, "session");
        Objects.requireNonNull(rnd, "rnd");
        if (chunk < 64 || (chunk & 63) != 0 || chunk > 1 << 24) {
            throw new IllegalArgumentException("chunk must be a multiple of 64 in [64, 2^24], got " + chunk);
        }
        int me = s.party();
        String asSender = "ot.base.p" + me + "send"; // this party is the IKNP sender: base-OT receiver
        String asReceiver = "ot.base.p" + (1 - me) + "send";
        // s: the IKNP sender's base-OT choices = its global correlation; lsb forced to 1 (point-and-permute).
        byte[] sBytes = new byte[16];
        rnd.nextBytes(sBytes);
        long sLo = LongBytes.get(sBytes, 0) | 1L;
        long sHi = LongBytes.get(sBytes, 8);
        Arrays.fill(sBytes, (byte) 0);
        long[] choice = {sLo, sHi};
        try {
            // The two directions run concurrently (SecureRandom is thread-safe).
            var other = s.threads().beside(() -> ChouOrlandiBaseOt.send(s.channel(asReceiver), KAPPA, rnd));
            byte[][] chosen = ChouOrlandiBaseOt.receive(s.channel(asSender), choice, KAPPA, rnd);
            byte[][][] both = PartyThreads.join(other);
            return new OtEngine(s, chunk, sLo, sHi, chosen, both[0], both[1]);
        } catch (RuntimeException e) {
            if (!(e instanceof SessionException)) {
                s.abort(AbortReason.failure("ot base setup", e));
            }
            throw e;
        }
    }

    public Session session() {
        return session;
    }

    /** This party's index (0 or 1). */
    public int party() {
        return party;
    }

    public int chunk() {
        return chunk;
    }

    /** The stream of OT instance {@code id}, e.g. for the calling protocol's own agreement record on it. */
    public org.securetrain.runtime.Channel channel(ProtocolId id) {
        return session.channel(channelName(id));
    }

    /** Channel an instance with this id runs on. */
    public static String channelName(ProtocolId id) {
        return id.under("ot").name();
    }

    // ---------------------------------------------------------------- factories: this party sends

    /** Block COT, this party is the sender (gets q_i and delta). Peer calls {@link #cotReceiver}. */
    public BlockCotSender cotSender(ProtocolId id) {
        return instance(id, IknpSender.class, () -> newSender(id));
    }

    /** Block COT, this party is the receiver (gets t_i = q_i ⊕ b_i·delta). Peer calls {@link #cotSender}. */
    public BlockCotReceiver cotReceiver(ProtocolId id) {
        return instance(id, IknpReceiver.class, () -> newReceiver(id));
    }

    /** Random OT, this party is the sender. Peer calls {@link #rotReceiver}. */
    public RandomOtSender rotSender(ProtocolId id) {
        return instance(id, RandomOtSender.class, () -> new RandomOtSender(newSender(id)));
    }

    /** Random OT, this party is the receiver. Peer calls {@link #rotSender}. */
    public RandomOtReceiver rotReceiver(ProtocolId id) {
        return instance(id, RandomOtReceiver.class, () -> new RandomOtReceiver(newReceiver(id)));
    }

    /** Correlated OT over Z_2^64, this party is the sender (inputs delta_i). Peer calls {@link #ringCotReceiver}. */
    public RingCotSender ringCotSender(ProtocolId id) {
        return instance(id, RingCotSender.class, () -> new RingCotSender(newSender(id)));
    }

    /** Correlated OT over Z_2^64, this party is the receiver. Peer calls {@link #ringCotSender}. */
    public RingCotReceiver ringCotReceiver(ProtocolId id) {
        return instance(id, RingCotReceiver.class, () -> new RingCotReceiver(newReceiver(id)));
    }

    /** Chosen-message OT, this party is the sender. Peer calls {@link #chosenOtReceiver}. */
    public ChosenOtSender chosenOtSender(ProtocolId id) {
        return instance(id, ChosenOtSender.class, () -> new ChosenOtSender(newSender(id)));
    }

    /** Chosen-message OT, this party is the receiver. Peer calls {@link #chosenOtSender}. */
    public ChosenOtReceiver chosenOtReceiver(ProtocolId id) {
        return instance(id, ChosenOtReceiver.class, () -> new ChosenOtReceiver(newReceiver(id)));
    }

    // ---------------------------------------------------------------- internals

    private <T> T instance(ProtocolId id, Class<T> type, Callable<T> make) {
        checkId(id);
        return instances.get(id, type, make);
    }

    private static void checkId(ProtocolId id) {
        Objects.requireNonNull(id, "protocol id");
        if (id.first().equals("base")) {
            throw new IllegalArgumentException("OT instance '" + id + "' collides with the base-OT channels");
        }
    }

    private IknpSender newSender(ProtocolId id) {
        byte[] label = label(party, id);
        byte[][] seeds = new byte[KAPPA][];
        for (int j = 0; j < KAPPA; j++) {
            seeds[j] = prf(chosenKeys[j], label);
        }
        return new IknpSender(session.channel(channelName(id)), sLo, sHi, seeds, chunk, instanceId(label));
    }

    private IknpReceiver newReceiver(ProtocolId id) {
        byte[] label = label(1 - party, id);
        byte[][] s0 = new byte[KAPPA][];
        byte[][] s1 = new byte[KAPPA][];
        for (int j = 0; j < KAPPA; j++) {
            s0[j] = prf(keys0[j], label);
            s1[j] = prf(keys1[j], label);
        }
        return new IknpReceiver(session.channel(channelName(id)), s0, s1, chunk, instanceId(label));
    }

    /** 32 bytes: the id's label in the domain of this direction; bytes 0..15 are the PRF input, 16..23 the id. */
    private static byte[] label(int senderParty, ProtocolId id) {
        return id.label(LABEL_DOMAIN + "/sender-p" + senderParty);
    }

    private static long instanceId(byte[] label) {
        return LongBytes.get(label, 16);
    }

    /** AES_key(label[0..16)): a PRF from a base-OT key to a per-instance PRG seed. */
    private static byte[] prf(byte[] key, byte[] label) {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            return c.doFinal(label, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable", e);
        }
    }
}
