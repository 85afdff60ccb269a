package org.securetrain.crypto.ot;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.securetrain.runtime.PartyThreads;
import org.securetrain.runtime.ProtocolId;

/**
 * One party's protocol instances by {@link ProtocolId}: the first call for an id makes the instance, later calls get
 * the same one, and a call asking for another type under a taken id fails naming both (one flavour and role per id,
 * because the peer pairs its instance with this one by id). Making runs outside any lock, because it may be
 * interactive: callers opening different ids never wait for each other (waiting could deadlock against the peer's
 * opening order); a second caller of the same id waits for the first. A failed make stays the id's outcome (the
 * peer's half of it is gone too). Used by {@link OtEngine} and the silent-OT service.
 *
 * @param <V> what the instances have in common
 */
public final class ProtocolInstances<V> {
    private final String what;
    private final String hint;
    private final ConcurrentHashMap<ProtocolId, CompletableFuture<V>> byId = new ConcurrentHashMap<>();

    /**
     * @param what the instances in messages ("OT instance")
     * @param hint what to do instead when an id is taken by another type, in messages
     */
    public ProtocolInstances(String what, String hint) {
        this.what = Objects.requireNonNull(what, "what");
        this.hint = Objects.requireNonNull(hint, "hint");
    }

    /** Registers an instance made elsewhere under {@code id} (the session's own ones). */
    public void put(ProtocolId id, V instance) {
        byId.put(id, CompletableFuture.completedFuture(instance));
    }

    /**
     * The instance of {@code id}, made by {@code make} on first use; fails if {@code id} holds an instance that is
     * not a {@code type}. A checked exception of {@code make} arrives as an {@link IllegalStateException}.
     */
    public <T extends V> T get(ProtocolId id, Class<T> type, Callable<T> make) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = byId.putIfAbsent(id, mine);
        if (existing != null) {
            V v = PartyThreads.join(existing);
            if (!type.isInstance(v)) {
                throw new IllegalStateException(what + " '" + id + "' is already open on this party as "
                        + v.getClass().getSimpleName() + "; asked for " + type.getSimpleName() + " (" + hint + ")");
            }
            return type.cast(v);
        }
        try {
            T t = make.call();
            mine.complete(t);
            return t;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } catch (Exception e) {
            IllegalStateException wrapped = new IllegalStateException(e);
            mine.completeExceptionally(wrapped);
            throw wrapped;
        }
    }
}
