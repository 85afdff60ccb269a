package org.securetrain.runtime.tls;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Role;

/** Development probe (not a test): bulk throughput party 0 -> 1 over TLS. Args: engine MiB-per-message total-MiB. */
public final class ThroughputProbe {
    public static void main(String[] args) throws Exception {
        TlsEngine engine = TlsEngine.valueOf(args.length > 0 ? args[0] : "OPENSSL");
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int total = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        TlsListener l = TlsTestSupport.alice(TlsTestSupport.opts(Role.MODEL_OWNER).build()).engine(engine)
                .listen(TlsTestSupport.ANY_LOCAL);
        CompletableFuture<TlsSession> cf = CompletableFuture.supplyAsync(() -> TlsTestSupport.bob(
                TlsTestSupport.opts(Role.DATA_OWNER).build()).engine(engine).connect(new InetSocketAddress("127.0.0.1", l.port())));
        TlsSession a = l.accept();
        TlsSession b = cf.join();
        int words = mib << 17;
        long[] v = new SplittableRandom(1).longs(words).toArray();
        int per = Math.max(1, 512 / mib);
        Thread rx = new Thread(() -> {
            long[] dst = new long[words];
            Channel c = b.channel("bulk");
            for (int i = 0; i < total / mib; i++) {
                c.receiveLongs(dst, 0, words);
                if ((i + 1) % per == 0) {
                    b.channel("ack").sendLong(i);
                }
            }
        });
        rx.start();
        Channel c = a.channel("bulk");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long t0 = System.nanoTime();
        long c0 = os.getProcessCpuTime();
        for (int i = 0; i < total / mib; i++) {
            c.sendLongs(v);
            if ((i + 1) % per == 0) {
                a.channel("ack").receiveLong();
                long t = System.nanoTime();
                long cpu = os.getProcessCpuTime();
                double gb = per * (long) mib * 1048576 / 1e9;
                System.out.printf("%d MiB: %.3f GB/s wall, %.2f CPU-s per GB (%.2f GB/s per busy core)%n", per * mib,
                        gb * 1e9 / (t - t0), (cpu - c0) / 1e9 / gb, gb * 1e9 / (cpu - c0));
                t0 = t;
                c0 = cpu;
            }
        }
        rx.join();
        b.close();
        a.close();
    }
}
