package org.securetrain.bench.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.tls.TlsEngine;
import org.securetrain.runtime.tls.TlsSession;

/**
 * Bulk payload throughput of long[] messages from party 0 to party 1 on 127.0.0.1: through a TLS
 * session ({@code tls-openssl}: BoringSSL, {@code tls-jdk}: JDK engine) and, as the baseline, through a
 * raw blocking NIO socket pair doing the same copies (long[] -> direct buffer -> socket -> direct buffer
 * -> long[]) with the same 9-byte frame headers but no encryption.
 *
 * <p>One operation = 1 MiB of payload, so the reported ops/s are MiB/s (x 0.001048576 = GB/s). Each
 * invocation sends 64 MiB as {@code messageMib}-sized messages and waits for the receiver's
 * acknowledgement, so the figure is end-to-end (received and copied into the receiver's long[]).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class TlsThroughputBenchmark {
    static final int PER_INVOCATION_MIB = 64;

    @Param({"tls-openssl", "tls-jdk", "raw"})
    public String transport;

    @Param({"1", "8"})
    public int messageMib;

    private long[] payload;
    private TlsSession[] tls;
    private Channel send;
    private Channel ack;
    private RawPair raw;
    private Thread receiver;

    @Setup
    public void setup() throws Exception {
        int words = messageMib << 17;
        payload = new SplittableRandom(1).longs(words).toArray();
        int messages = PER_INVOCATION_MIB / messageMib;
        if (transport.startsWith("tls")) {
            tls = LoopbackPair.open(transport.equals("tls-jdk") ? TlsEngine.JDK : TlsEngine.OPENSSL);
            send = tls[0].channel("bulk");
            ack = tls[0].channel("ack");
            Channel rx = tls[1].channel("bulk");
            Channel rxAck = tls[1].channel("ack");
            receiver = daemon(() -> {
                long[] dst = new long[words];
                try {
                    while (true) {
                        for (int m = 0; m < messages; m++) {
                            rx.receiveLongs(dst, 0, words);
                        }
                        rxAck.sendLong(dst[words - 1]);
                    }
                } catch (RuntimeException e) {
                    // session closed at tear-down
                }
            });
        } else {
            raw = new RawPair();
            receiver = daemon(() -> raw.receiveLoop(words, messages));
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private long cpu0;
    private long bytes;

    /** CPU cost per payload byte, independent of how busy the shared machine is: printed per iteration. */
    @Setup(org.openjdk.jmh.annotations.Level.Iteration)
    public void startCpu() {
        cpu0 = OS.getProcessCpuTime();
        bytes = 0;
    }

    @TearDown(org.openjdk.jmh.annotations.Level.Iteration)
    public void reportCpu() {
        double gb = bytes / 1e9;
        System.out.printf(java.util.Locale.ROOT, "  [%s %d MiB] %.2f CPU-seconds per GB of payload (both parties)%n",
                transport, messageMib, (OS.getProcessCpuTime() - cpu0) / 1e9 / gb);
    }

    @TearDown
    public void tearDown() throws Exception {
        if (tls != null) {
            tls[0].close();
            tls[1].close();
        }
        if (raw != null) {
            raw.close();
        }
        receiver.join(5000);
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "bench-receiver");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION_MIB)
    public long sendSixtyFourMiB() throws IOException {
        int messages = PER_INVOCATION_MIB / messageMib;
        bytes += (long) PER_INVOCATION_MIB << 20;
        if (tls != null) {
            for (int m = 0; m < messages; m++) {
                send.sendLongs(payload);
            }
            return ack.receiveLong();
        }
        for (int m = 0; m < messages; m++) {
            raw.send(payload);
        }
        return raw.awaitAck();
    }

    /** Blocking loopback socket pair with the same framing and copies as the session, no TLS. */
    static final class RawPair implements AutoCloseable {
        static final int FRAME = 1 << 20;
        final SocketChannel a;
        final SocketChannel b;
        final ByteBuffer out = ByteBuffer.allocateDirect(9 + FRAME).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer ackBuf = ByteBuffer.allocateDirect(8).order(ByteOrder.LITTLE_ENDIAN);

        RawPair() throws IOException {
            try (ServerSocketChannel ss = ServerSocketChannel.open()) {
                ss.bind(new InetSocketAddress("127.0.0.1", 0));
                a = SocketChannel.open(ss.getLocalAddress());
                b = ss.accept();
            }
            a.socket().setTcpNoDelay(true);
            b.socket().setTcpNoDelay(true);
        }

        void send(long[] v) throws IOException {
            int off = 0;
            while (off < v.length) {
                int words = Math.min(FRAME / 8, v.length - off);
                out.clear();
                out.order(ByteOrder.BIG_ENDIAN).putInt(words * 8).putInt(7).put((byte) 3).order(ByteOrder.LITTLE_ENDIAN);
                out.asLongBuffer().put(v, off, words);
                out.position(9 + words * 8).flip();
                while (out.hasRemaining()) {
                    a.write(out);
                }
                off += words;
            }
        }

        long awaitAck() throws IOException {
            ackBuf.clear();
            while (ackBuf.hasRemaining()) {
                if (a.read(ackBuf) < 0) {
                    throw new IOException("closed");
                }
            }
            return ackBuf.getLong(0);
        }

        void receiveLoop(int words, int messages) {
            ByteBuffer in = ByteBuffer.allocateDirect(9 + FRAME).order(ByteOrder.LITTLE_ENDIAN);
            long[] dst = new long[words];
            ByteBuffer ack = ByteBuffer.allocateDirect(8).order(ByteOrder.LITTLE_ENDIAN);
            try {
                while (true) {
                    for (int m = 0; m < messages; m++) {
                        int off = 0;
                        while (off < words) {
                            in.clear().limit(9);
                            readFully(in);
                            int len = in.order(ByteOrder.BIG_ENDIAN).getInt(0);
                            in.order(ByteOrder.LITTLE_ENDIAN).clear().limit(len);
                            readFully(in);
                            in.flip();
                            in.asLongBuffer().get(dst, off, len / 8);
                            off += len / 8;
                        }
                    }
                    ack.clear();
                    ack.putLong(0, dst[words - 1]);
                    while (ack.hasRemaining()) {
                        b.write(ack);
                    }
                }
            } catch (IOException e) {
                // closed at tear-down
            }
        }

        private void readFully(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                if (b.read(buf) < 0) {
                    throw new IOException("closed");
                }
            }
        }

        @Override
        public void close() throws IOException {
            a.close();
            b.close();
        }
    }
}
