package org.securetrain.runtime;

/**
 * An authenticated, handshaken connection between the two parties. It multiplexes any number of
 * ordered logical {@link Channel}s over one transport, so independent protocol instances (e.g. the two
 * HE cross terms of one product, or OT extension beside a garbled circuit) run concurrently without
 * mixing messages. Open one with {@code InMemoryTransport.pair(...)} (tests) or the TLS transport.
 *
 * <p>Thread-safety: the session and different channels may be used from different threads; one
 * channel is meant to be driven by one thread at a time (a protocol instance).
 */
public interface Session extends AutoCloseable {

    /** This party's role. */
    Role role();

    /** This party's index, {@code role().id()}: 0 = model owner, 1 = data owner. */
    default int party() {
        return role().id();
    }

    /** The options this party opened the session with. */
    SessionOptions options();

    /**
     * The logical stream with this name, created on first use. Both parties must use the same name;
     * messages the peer sends on a stream before this party opens it are kept until it does.
     */
    Channel channel(String name);

    /** The stream of protocol instance {@code id}: {@code channel(id.name())}. */
    default Channel channel(ProtocolId id) {
        return channel(id.name());
    }

    /** Bytes, messages and rounds so far, per stream and per protocol step. */
    TrafficStats traffic();

    /** The threads this party's session owns (compute pool, protocol roles) and its CPU time. */
    PartyThreads threads();

    /** True until the session is closed or has failed. */
    boolean isOpen();

    /**
     * Ends the session on purpose and tells the peer why, so its waiting calls fail at once with
     * {@link PeerAbortedException} instead of running into a timeout. The peer receives exactly
     * {@link AbortReason#wireText}: the stage, the kind of failure and shapes, never a value.
     */
    void abort(AbortReason reason);

    /**
     * Ends the session on purpose with a free-text reason. The text may quote values, so it stays in this
     * party's log; the peer learns only that this party aborted ({@link AbortReason#withheld()}). Prefer
     * {@link #abort(AbortReason)}, which tells the peer the stage and kind of failure.
     */
    default void abort(String localReason) {
        abort(AbortReason.withheld());
    }

    /**
     * Marks the session as computing until the returned scope is closed (scopes nest; any thread may open
     * one): receives then wait up to {@link SessionOptions#computeTimeout()}, because the peer may work long
     * between two messages, instead of {@link SessionOptions#receiveTimeout()}, the bound of interactive
     * exchanges. A receive takes the bound in force when it starts.
     */
    default Computation computing() {
        return () -> { };
    }

    /** A {@link #computing()} scope; closing it twice has no further effect. */
    @FunctionalInterface
    interface Computation extends AutoCloseable {
        @Override
        void close();
    }

    /** Graceful close: pending sends are flushed, the peer sees a clean end. Idempotent. */
    @Override
    void close();
}
