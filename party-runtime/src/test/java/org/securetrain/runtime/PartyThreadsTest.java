package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.inmemory.InMemoryTransport;

@Timeout(60)
class PartyThreadsTest {

    static SessionOptions opts(Role r, int compute) {
        return SessionOptions.builder(r).sessionId("threads").receiveTimeout(Duration.ofSeconds(20))
                .computeThreads(compute).build();
    }

    /** Burns {@code millis} of this thread's CPU time (not wall time: the test machine may be loaded). */
    private static long spin(long millis) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = mx.getCurrentThreadCpuTime() + millis * 1_000_000;
        long x = 0;
        while (mx.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x += x * 31 + 7;
            }
        }
        return x;
    }

    private static List<String> sessionThreads(int party) {
        String prefix = "securetrain-p" + party + "-";
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).sorted().collect(Collectors.toList());
    }

    @Test
    void threadsAreNamedByPartySizedByOptionsCountedAndEndWithTheSession() throws Exception {
        InMemoryTransport.Pair p = InMemoryTransport.pair(opts(Role.MODEL_OWNER, 3), opts(Role.DATA_OWNER, 1));
        Session s0 = p.party(0);
        Session s1 = p.party(1);
        assertEquals(3, s0.threads().computeThreads());
        assertEquals(1, s1.threads().computeThreads());
        long before = s0.threads().cpuNanos();
        // work on the compute pool, a role thread, and the caller (measured)
        Future<?>[] work = new Future<?>[3];
        for (int i = 0; i < work.length; i++) {
            work[i] = s0.threads().compute().submit(() -> spin(150));
        }
        for (Future<?> f : work) {
            f.get();
        }
        PartyThreads.join(s0.threads().beside(() -> spin(100)));
        s0.threads().onCaller(() -> spin(100));
        long used = s0.threads().cpuNanos() - before;
        assertTrue(used >= 300_000_000L, "CPU of pool, role and caller threads counted: " + used / 1e6 + " ms");
        assertTrue(used < 5_000_000_000L, "and nothing absurd: " + used / 1e6 + " ms");
        List<String> names = sessionThreads(0);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("securetrain-p0-compute-")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("securetrain-p0-role-")), names.toString());
        assertEquals(3, names.stream().filter(n -> n.startsWith("securetrain-p0-compute-")).count(),
                "the compute pool has the configured size: " + names);
        // the caller's time is counted once even when nested
        long c0 = s0.threads().cpuNanos();
        s0.threads().onCaller(() -> s0.threads().onCaller(() -> spin(100)));
        long nested = s0.threads().cpuNanos() - c0;
        assertTrue(nested >= 100_000_000L && nested < 190_000_000L, "nested calls are counted once: " + nested / 1e6
                + " ms");
        p.close();
        List<String> left = sessionThreads(0);
        for (int i = 0; i < 40 && !left.isEmpty(); i++) {
            Thread.sleep(50);
            left = sessionThreads(0);
        }
        assertEquals(List.of(), left, "a closed session's threads end");
        assertTrue(s0.threads().cpuNanos() - before >= used, "ended threads' CPU stays counted");
    }
}
