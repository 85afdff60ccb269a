package org.securetrain.runtime.tls;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.securetrain.runtime.SessionCore;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.spi.FrameTransport;
import org.securetrain.runtime.spi.Frames;

/**
 * A hostile test peer: a blocking JDK SSLSocket with a valid, pinned certificate that can run the real
 * session handshake (through a {@link SessionCore} over a minimal blocking transport) and then write
 * arbitrary raw bytes into the TLS stream. Public for the launcher's tests.
 */
public final class RawTlsPeer implements AutoCloseable {
    final SSLSocket socket;
    final OutputStream out;
    private final SessionCore core;
    private final Thread reader;

    public RawTlsPeer(InetSocketAddress addr, TlsIdentity me, String pinned, SessionOptions options) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", me.privateKey(), new char[0], new Certificate[] {me.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), new TrustManager[] {new PinnedPeerTrustManager(pinned, false)}, new SecureRandom());
        socket = (SSLSocket) ctx.getSocketFactory().createSocket(addr.getAddress(), addr.getPort());
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        out = socket.getOutputStream();
        core = new SessionCore(options);
        core.attach(new FrameTransport() {
            @Override
            public void writeFrame(int streamId, int flags, int len, PayloadWriter payload, boolean flush) {
                ByteBuffer b = ByteBuffer.allocate(Frames.HEADER_BYTES + len);
                b.putInt(len).putInt(streamId).put((byte) flags);
                ByteBuffer p = b.slice().order(ByteOrder.LITTLE_ENDIAN);
                payload.write(p);
                writeRaw(b.array());
            }

            @Override
            public void close() {
                RawTlsPeer.this.close();
            }

            @Override
            public void abort() {
                RawTlsPeer.this.close();
            }
        });
        DataInputStream in = new DataInputStream(socket.getInputStream());
        reader = new Thread(() -> {
            try {
                while (true) {
                    int len = in.readInt();
                    int stream = in.readInt();
                    int flags = in.readUnsignedByte();
                    byte[] p = new byte[len];
                    in.readFully(p);
                    if (flags != Frames.FLAG_HEARTBEAT) {
                        core.onFrame(stream, flags, ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN));
                    }
                }
            } catch (IOException e) {
                core.onTransportClosed(e);
            }
        }, "raw-tls-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The raw peer's own session core: what the other party told it (e.g. an abort) shows up here. */
    public SessionCore core() {
        return core;
    }

    /** Runs the genuine session handshake (hello exchange) as the options' role. */
    public void handshake() {
        core.handshake();
    }

    public synchronized void writeRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** True once the peer closed the connection (read returns EOF or fails). */
    public boolean closedByPeer(long timeoutMs) throws InterruptedException {
        reader.join(timeoutMs);
        return !reader.isAlive();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
