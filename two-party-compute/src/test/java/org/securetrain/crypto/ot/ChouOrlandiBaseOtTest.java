package org.securetrain.crypto.ot;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.ProtocolViolationException;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

@Timeout(60)
class ChouOrlandiBaseOtTest {

    @Test
    void receiverGetsExactlyTheChosenKey() {
        int count = 128;
        SecureRandom rnd = new SecureRandom();
        long[] c = {rnd.nextLong(), rnd.nextLong()};
        try (InMemoryTransport.Pair p = OtTestPair.sessions()) {
            var r = TwoPartyRunner.run(p.party(0), s -> ChouOrlandiBaseOt.send(s.channel("b"), count, rnd),
                    p.party(1), s -> ChouOrlandiBaseOt.receive(s.channel("b"), c, count, rnd));
            byte[][][] k = r.party0();
            byte[][] got = r.party1();
            for (int j = 0; j < count; j++) {
                int cj = (int) (c[j >>> 6] >>> (j & 63) & 1);
                assertEquals(16, got[j].length);
                assertArrayEquals(k[cj][j], got[j], "chosen key " + j);
                assertFalse(Arrays.equals(k[1 - cj][j], got[j]), "unchosen key must differ at " + j);
            }
            // keys of different indices are unrelated
            assertFalse(Arrays.equals(k[0][0], k[0][1]));
        }
    }

    @Test
    void oddCountAndAllOnesChoices() {
        int count = 3;
        SecureRandom rnd = new SecureRandom();
        long[] c = {-1L};
        try (InMemoryTransport.Pair p = OtTestPair.sessions()) {
            var r = TwoPartyRunner.run(p.party(0), s -> ChouOrlandiBaseOt.send(s.channel("b"), count, rnd),
                    p.party(1), s -> ChouOrlandiBaseOt.receive(s.channel("b"), c, count, rnd));
            for (int j = 0; j < count; j++) {
                assertArrayEquals(r.party0()[1][j], r.party1()[j]);
            }
        }
    }

    @Test
    void invalidPointFromPeerIsRejected() {
        SecureRandom rnd = new SecureRandom();
        try (InMemoryTransport.Pair p = OtTestPair.sessions()) {
            byte[] junk = new byte[33];
            junk[0] = 2;
            Arrays.fill(junk, 1, 33, (byte) 0xFF); // x >= p: not a field element
            RuntimeException e = assertThrows(RuntimeException.class, () -> TwoPartyRunner.run(p.party(0), s -> {
                s.channel("b").send(junk);
                return 0;
            }, p.party(1), s -> ChouOrlandiBaseOt.receive(s.channel("b"), new long[1], 1, rnd)));
            assertTrue(e instanceof ProtocolViolationException, e.toString());
            assertTrue(e.getMessage().contains("sender's point A"), e.getMessage());
        }
    }
}
