package org.securetrain.crypto.ot;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TrafficStats;

/**
 * Test wrapper around a session that records every long[] message this party receives, per channel:
 * the party's view of the protocol, for the "view does not depend on the peer's input" tests.
 */
public final class RecordingSession implements Session {
    private final Session inner;
    private final Map<String, List<long[]>> received = new ConcurrentHashMap<>();

    public RecordingSession(Session inner) {
        this.inner = inner;
    }

    /** Long messages received on {@code channel} so far, in order. */
    public synchronized List<long[]> received(String channel) {
        return new ArrayList<>(received.getOrDefault(channel, List.of()));
    }

    public synchronized void clear() {
        received.clear();
    }

    private synchronized void record(String ch, long[] m) {
        received.computeIfAbsent(ch, k -> new ArrayList<>()).add(m.clone());
    }

    @Override
    public Role role() {
        return inner.role();
    }

    @Override
    public SessionOptions options() {
        return inner.options();
    }

    @Override
    public Channel channel(String name) {
        Channel c = inner.channel(name);
        RecordingSession self = this;
        return new Channel() {
            public String name() { return c.name(); }
            public Session session() { return self; }
            public void send(byte[] d) { c.send(d); }
            public void send(byte[] d, int o, int l) { c.send(d, o, l); }
            public void send(ByteBuffer d) { c.send(d); }
            public void sendLongs(long[] d) { c.sendLongs(d); }
            public void sendLongs(long[] d, int o, int l) { c.sendLongs(d, o, l); }
            public CompletableFuture<Void> sendAsync(byte[] d) { return c.sendAsync(d); }
            public CompletableFuture<Void> sendLongsAsync(long[] d) { return c.sendLongsAsync(d); }
            public byte[] receive() { return c.receive(); }
            public void receive(byte[] d, int o, int l) { c.receive(d, o, l); }
            public long[] receiveLongs() {
                long[] m = c.receiveLongs();
                record(name, m);
                return m;
            }
            public void receiveLongs(long[] d, int o, int l) {
                c.receiveLongs(d, o, l);
                long[] m = new long[l];
                System.arraycopy(d, o, m, 0, l);
                record(name, m);
            }
            public CompletableFuture<byte[]> receiveAsync() { return c.receiveAsync(); }
            public CompletableFuture<long[]> receiveLongsAsync() {
                return c.receiveLongsAsync().thenApply(m -> { record(name, m); return m; });
            }
            public void agree(String r) { c.agree(r); }
            public TrafficStats.Scope step(String s) { return c.step(s); }
        };
    }

    @Override
    public TrafficStats traffic() {
        return inner.traffic();
    }

    @Override
    public org.securetrain.runtime.PartyThreads threads() {
        return inner.threads();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public void abort(String reason) {
        inner.abort(reason);
    }

    @Override
    public void abort(org.securetrain.runtime.AbortReason reason) {
        inner.abort(reason);
    }

    @Override
    public Computation computing() {
        return inner.computing();
    }

    @Override
    public void close() {
        inner.close();
    }
}
