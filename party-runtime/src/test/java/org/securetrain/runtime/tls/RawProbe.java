package org.securetrain.runtime.tls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.SplittableRandom;

/** Development probe: the same long[] bulk transfer over a plain loopback socket, 1 MiB frames. */
public final class RawProbe {
    public static void main(String[] args) throws Exception {
        int mib = 8;
        int total = Integer.parseInt(args.length > 0 ? args[0] : "6144");
        ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        SocketChannel a = SocketChannel.open(ss.getLocalAddress());
        SocketChannel b = ss.accept();
        int words = mib << 17;
        long[] v = new SplittableRandom(1).longs(words).toArray();
        Thread rx = new Thread(() -> {
            try {
                ByteBuffer in = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                long[] dst = new long[words];
                for (int i = 0; i < total / mib; i++) {
                    for (int off = 0; off < words; off += 1 << 17) {
                        in.clear();
                        while (in.hasRemaining()) {
                            b.read(in);
                        }
                        in.flip();
                        in.asLongBuffer().get(dst, off, 1 << 17);
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        rx.start();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        ByteBuffer out = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long t0 = System.nanoTime();
        long c0 = os.getProcessCpuTime();
        for (int i = 0; i < total / mib; i++) {
            for (int off = 0; off < words; off += 1 << 17) {
                out.clear();
                out.asLongBuffer().put(v, off, 1 << 17);
                while (out.hasRemaining()) {
                    a.write(out);
                }
            }
            if ((i + 1) % 64 == 0) {
                long t = System.nanoTime();
                long cpu = os.getProcessCpuTime();
                double gb = 64 * 8 * 1048576 / 1e9;
                System.out.printf("raw: %.3f GB/s wall, %.2f CPU-s per GB%n", gb * 1e9 / (t - t0), (cpu - c0) / 1e9 / gb);
                t0 = t;
                c0 = cpu;
            }
        }
        rx.join();
    }
}
