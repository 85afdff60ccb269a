package org.securetrain.protocols.nonlinear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.SessionException;

/** The table lookup on IKNP and on silent random COTs: exact for every digit width, fresh shares, its bytes. */
@Timeout(300)
class TableLookupOtTest {
    static NlPair p;

    @BeforeAll
    static void setUp() {
        p = NlPair.open("lookup", 1 << 18);
    }

    @AfterAll
    static void tearDown() {
        p.close();
    }

    static void checkExact(NlPair pair, int n, int d, Prg g) {
        long[] table = g.nextLongs(1 << d);
        long[] a = g.nextLongs(n);
        long[] b = g.nextLongs(n);
        for (int i = 0; i < Math.min(n, 1 << d); i++) { // every digit value, high share bits set
            b[i] = (i - a[i]) & ((1L << d) - 1) | (g.nextLong() << d);
        }
        var r = pair.run(c -> TableLookupOt.lookup(c, a, d, table), c -> TableLookupOt.lookup(c, b, d, table));
        int mask = (1 << d) - 1;
        for (int i = 0; i < n; i++) {
            int x = (int) (a[i] + b[i]) & mask;
            assertEquals(table[x], r.party0()[i] + r.party1()[i], "d=" + d + ", element " + i + ", digit " + x);
        }
    }

    @Test
    void everyWidthIsExact() {
        Prg g = NlPair.prg();
        for (int d = 1; d <= TableLookupOt.MAX_DIGIT_BITS; d++) {
            checkExact(p, 3000, d, g);
        }
        checkExact(p, 0, 4, g);
        checkExact(p, 1, 1, g);
    }

    @Test
    void exactOnSilentCots() {
        try (NlPair s = NlPair.openSilent("lookupSilent")) {
            Prg g = NlPair.prg();
            checkExact(s, 20_000, 4, g);
            checkExact(s, 5_000, 7, g);
        }
    }

    /** Three tables, the digits in three segments: segment j reads table j. */
    @Test
    void severalTablesInOneRun() {
        Prg g = NlPair.prg();
        int n = 999;
        int d = 5;
        long[] tables = g.nextLongs(3 << d);
        long[] a = g.nextLongs(n);
        long[] b = g.nextLongs(n);
        var r = p.run(c -> TableLookupOt.lookup(c, a, d, tables), c -> TableLookupOt.lookup(c, b, d, tables));
        for (int i = 0; i < n; i++) {
            int x = (int) (a[i] + b[i]) & 31;
            assertEquals(tables[((i / 333) << d) + x], r.party0()[i] + r.party1()[i], "element " + i);
        }
        long[] odd = new long[10];
        try (NlPair q = NlPair.open("lookupOdd", 1 << 12)) {
            Exception e = assertThrows(IllegalArgumentException.class, () -> q.run(
                    c -> TableLookupOt.lookup(c, odd, d, tables), c -> TableLookupOt.lookup(c, odd, d, tables)));
            assertTrue(e.getMessage().contains("10 digits do not split into 3 equal segments"), e.getMessage());
        }
    }

    @Test
    void sharesAreFresh() {
        Prg g = NlPair.prg();
        long[] table = g.nextLongs(16);
        long[] a = g.nextLongs(1000);
        long[] b = g.nextLongs(1000);
        var r1 = p.run(c -> TableLookupOt.lookup(c, a, 4, table), c -> TableLookupOt.lookup(c, b, 4, table));
        var r2 = p.run(c -> TableLookupOt.lookup(c, a, 4, table), c -> TableLookupOt.lookup(c, b, 4, table));
        for (int i = 0; i < 1000; i++) {
            assertEquals(r1.party0()[i] + r1.party1()[i], r2.party0()[i] + r2.party1()[i]);
            assertNotEquals(r1.party0()[i], r2.party0()[i], "shares must be fresh");
        }
    }

    /** Party 1 sends d bits per element, party 0 2^d words; one message each way (plus the run tags). */
    @Test
    void bytesAndFlights() {
        int n = 4096;
        for (int d : new int[] {4, 6, 8}) {
            long[] table = new long[1 << d];
            var before0 = p.session(0).traffic().snapshot();
            var before1 = p.session(1).traffic().snapshot();
            long[] z = new long[n];
            p.run(c -> TableLookupOt.lookup(c, z, d, table), c -> TableLookupOt.lookup(c, z, d, table));
            var t0 = p.session(0).traffic().snapshot().minus(before0).stepsWithPrefix("nl.tableLookup");
            var t1 = p.session(1).traffic().snapshot().minus(before1).stepsWithPrefix("nl.tableLookup");
            assertEquals(1, t0.messagesSent());
            assertEquals(1, t1.messagesSent());
            long owner = (long) n * (8L << d);
            long chooser = ((long) n * d + 63) / 64 * 8;
            assertTrue(t0.bytesSent() >= owner && t0.bytesSent() <= owner + 64, "d=" + d + ": " + t0.bytesSent());
            assertTrue(t1.bytesSent() >= chooser && t1.bytesSent() <= chooser + 64, "d=" + d + ": " + t1.bytesSent());
            System.out.printf("table lookup d=%d: %.1f bytes/element from the table owner, %.2f from the chooser%n", d,
                    t0.bytesSent() / (double) n, t1.bytesSent() / (double) n);
        }
    }

    @Test
    void differentTablesOrWidthsFailBothParties() {
        long[] z = new long[10];
        try (NlPair q = NlPair.open("lookupMismatch", 1 << 12)) {
            long[] t1 = new long[16];
            long[] t2 = new long[16];
            t2[3] = 1;
            Exception e = assertThrows(SessionException.class, () -> q.run(
                    c -> TableLookupOt.lookup(c, z, 4, t1), c -> TableLookupOt.lookup(c, z, 4, t2)));
            assertTrue(e.getMessage().contains("table lookup"), e.getMessage());
        }
        try (NlPair q = NlPair.open("lookupBad", 1 << 12)) {
            Exception e = assertThrows(IllegalArgumentException.class, () -> q.run(
                    c -> TableLookupOt.lookup(c, z, 4, new long[15]), c -> TableLookupOt.lookup(c, z, 4, new long[16])));
            assertTrue(e.getMessage().contains("needs tables of 16 entries each"), e.getMessage());
        }
    }
}
