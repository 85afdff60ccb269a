package org.securetrain.bench.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
 * Round-trip time of one 8-byte message (a long) on 127.0.0.1: party 0 sends, party 1 echoes. TLS
 * session versus a raw blocking socket pair (same 9-byte header + 8-byte payload).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class TlsLatencyBenchmark {
    @Param({"tls-openssl", "raw"})
    public String transport;

    private TlsSession[] tls;
    private Channel ping;
    private TlsThroughputBenchmark.RawPair raw;
    private Thread echo;
    private final long[] one = new long[1];
    private final ByteBuffer msg = ByteBuffer.allocateDirect(17).order(ByteOrder.LITTLE_ENDIAN);
    private long counter;

    @Setup
    public void setup() throws Exception {
        if (transport.startsWith("tls")) {
            tls = LoopbackPair.open(TlsEngine.OPENSSL);
            ping = tls[0].channel("ping");
            Channel pong = tls[1].channel("ping");
            echo = daemon(() -> {
                long[] v = new long[1];
                try {
                    while (true) {
                        pong.receiveLongs(v, 0, 1);
                        pong.sendLongs(v);
                    }
                } catch (RuntimeException e) {
                    // closed
                }
            });
        } else {
            raw = new TlsThroughputBenchmark.RawPair();
            echo = daemon(() -> {
                ByteBuffer b = ByteBuffer.allocateDirect(17);
                try {
                    while (true) {
                        b.clear();
                        while (b.hasRemaining()) {
                            if (raw.b.read(b) < 0) {
                                return;
                            }
                        }
                        b.flip();
                        while (b.hasRemaining()) {
                            raw.b.write(b);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "bench-echo");
        t.setDaemon(true);
        t.start();
        return t;
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
        echo.join(5000);
    }

    @Benchmark
    public long roundTrip() throws IOException {
        long v = ++counter;
        if (tls != null) {
            ping.sendLong(v);
            ping.receiveLongs(one, 0, 1);
            return one[0];
        }
        msg.clear();
        msg.order(ByteOrder.BIG_ENDIAN).putInt(8).putInt(1).put((byte) 3).order(ByteOrder.LITTLE_ENDIAN).putLong(v).flip();
        while (msg.hasRemaining()) {
            raw.a.write(msg);
        }
        msg.clear();
        while (msg.hasRemaining()) {
            if (raw.a.read(msg) < 0) {
                throw new IOException("closed");
            }
        }
        return msg.getLong(9);
    }
}
