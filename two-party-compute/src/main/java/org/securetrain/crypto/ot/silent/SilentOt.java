package org.securetrain.crypto.ot.silent;

import java.security.SecureRandom;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.ProtocolInstances;
import org.securetrain.crypto.ot.RandomCotReceiver;
import org.securetrain.crypto.ot.RandomCotSender;
import org.securetrain.runtime.PartyThreads;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;

/**
 * The per-session silent-OT service: {@link #setup} bootstraps two Ferret instances, one per direction
 * (this party as COT sender, and as COT receiver), concurrently, once per session; {@link #sender()} and
 * {@link #receiver()} return them. Further independent instances (e.g. one per thread) come from
 * {@link #openSender(ProtocolId)} / {@link #openReceiver(ProtocolId)}: the two parties call the matching
 * pair with the same protocol id, each instance has its own streams ({@link SilentOtChannels}) and its own
 * bootstrap (about 1.3 MB for ferret_b11..b13), and all instances of one direction share that direction's
 * Δ (the IKNP global correlation of the session's {@link OtEngine}).
 *
 * <p>Thread-safe; the instances are not (one thread drives one instance).
 */
public final class SilentOt {
    /** Sessions that have a service: a second set-up would reuse its streams and hang. */
    private static final Map<Session, Boolean> SET_UP = Collections.synchronizedMap(new WeakHashMap<>());

    private final OtEngine ot;
    private final SecureRandom rnd;
    private final FerretParams params;
    private final ProtocolInstances<FerretPool> instances = new ProtocolInstances<>("silent OT instance",
            "one role per protocol id; use another id for the other direction");
    private final FerretSender sender;
    private final FerretReceiver receiver;

    private SilentOt(OtEngine ot, SecureRandom rnd, FerretParams params, FerretSender s, FerretReceiver r) {
        this.ot = ot;
        this.rnd = rnd;
        this.params = params;
        this.sender = s;
        this.receiver = r;
        instances.put(SilentOtChannels.sessionInstance(ot.party()), s);
        instances.put(SilentOtChannels.sessionInstance(1 - ot.party()), r);
    }

    /** {@link #setup(OtEngine, SecureRandom, FerretParams)} with {@link FerretParams#DEFAULT}. */
    public static SilentOt setup(OtEngine ot, SecureRandom rnd) {
        return setup(ot, rnd, FerretParams.DEFAULT);
    }

    /**
     * Both parties call this once per session, with the same parameters: bootstraps this party's
     * sender instance and its receiver instance (the peer's sender) concurrently.
     */
    public static SilentOt setup(OtEngine ot, SecureRandom rnd, FerretParams params) {
        Objects.requireNonNull(ot, "ot");
        Objects.requireNonNull(rnd, "rnd");
        Objects.requireNonNull(params, "params");
        if (SET_UP.putIfAbsent(ot.session(), Boolean.TRUE) != null) {
            throw new IllegalStateException("SilentOt.setup was already called on this session (its streams are"
                    + " taken); open further instances with openSender/openReceiver instead");
        }
        int me = ot.party();
        CompletableFuture<FerretReceiver> r = ot.session().threads().beside(
                () -> FerretBootstrap.receiver(ot, SilentOtChannels.sessionInstance(1 - me), params, rnd));
        FerretSender s;
        try {
            s = FerretBootstrap.sender(ot, SilentOtChannels.sessionInstance(me), params, rnd);
        } catch (RuntimeException e) {
            try {
                PartyThreads.join(r);
            } catch (RuntimeException ignored) {
                // the session is aborted; the receiver side fails with it
            }
            throw e;
        }
        return new SilentOt(ot, rnd, params, s, PartyThreads.join(r));
    }

    public Session session() {
        return ot.session();
    }

    public FerretParams params() {
        return params;
    }

    /** This party as COT sender (the peer's {@link #receiver()}). */
    public RandomCotSender sender() {
        return sender;
    }

    /** This party as COT receiver (the peer's {@link #sender()}). */
    public RandomCotReceiver receiver() {
        return receiver;
    }

    /** A further instance with this party as COT sender; the peer calls {@link #openReceiver} with the same id. */
    public RandomCotSender openSender(ProtocolId id) {
        return openSender(id, params);
    }

    /** A further instance with this party as COT receiver; the peer calls {@link #openSender} with the same id. */
    public RandomCotReceiver openReceiver(ProtocolId id) {
        return openReceiver(id, params);
    }

    /** {@link #openSender(ProtocolId)} with its own parameter set (the peer must use the same). */
    public RandomCotSender openSender(ProtocolId id, FerretParams p) {
        checkId(id);
        Objects.requireNonNull(p, "params");
        return instance(id, FerretSender.class, () -> FerretBootstrap.sender(ot, id, p, rnd));
    }

    /** {@link #openReceiver(ProtocolId)} with its own parameter set (the peer must use the same). */
    public RandomCotReceiver openReceiver(ProtocolId id, FerretParams p) {
        checkId(id);
        Objects.requireNonNull(p, "params");
        return instance(id, FerretReceiver.class, () -> FerretBootstrap.receiver(ot, id, p, rnd));
    }

    /** The instance of this key, bootstrapping it on first use ({@link ProtocolInstances}: outside any lock). */
    private <T extends FerretPool> T instance(ProtocolId id, Class<T> role, Supplier<T> make) {
        return instances.get(id, role, make::get);
    }

    private static void checkId(ProtocolId id) {
        Objects.requireNonNull(id, "protocol id");
        if (id.first().equals(SilentOtChannels.SESSION)) {
            throw new IllegalArgumentException("silent OT instance '" + id
                    + "' collides with the session's own instances (use sender() / receiver())");
        }
    }
}
