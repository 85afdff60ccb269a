package org.securetrain.crypto.prg;

import static org.junit.jupiter.api.Assertions.*;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PrgTest {
    static byte[] seed(int v) {
        byte[] s = new byte[16];
        s[0] = (byte) v;
        s[15] = (byte) (v * 7);
        return s;
    }

    @Test
    void streamIsAesCtrKeystreamOfZerosLittleEndian() throws Exception {
        byte[] s = seed(3);
        Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(s, "AES"), new IvParameterSpec(new byte[16]));
        byte[] ks = c.doFinal(new byte[8 * 20000]);
        long[] want = new long[20000];
        LongBytes.toLongs(ks, 0, want, 0, 20000);
        assertArrayEquals(want, new Prg(s).nextLongs(20000));
        // small buffers, mixed call sizes: same stream
        Prg g = new Prg(s, 32);
        long[] got = new long[20000];
        int i = 0;
        got[i++] = g.nextLong();
        g.fill(got, i, 7);
        i += 7;
        g.xorInto(got, i, 3); // xor into zeros = values
        i += 3;
        g.fill(got, i, 20000 - i);
        assertArrayEquals(want, got);
    }

    @Test
    void sameSeedSameStreamDifferentSeedDifferentStream() {
        assertArrayEquals(new Prg(seed(1)).nextLongs(100), new Prg(seed(1)).nextLongs(100));
        assertNotEquals(new Prg(seed(1)).nextLong(), new Prg(seed(2)).nextLong());
    }

    @Test
    void bitsArePackedAndMasked() {
        long[] b = new Prg(seed(5)).nextBits(70);
        assertEquals(2, b.length);
        assertEquals(0, b[1] >>> 6);
        long ones = 0;
        long[] many = new Prg(seed(6)).nextBits(1 << 20);
        for (long w : many) {
            ones += Long.bitCount(w);
        }
        double sigma = Math.sqrt((1 << 20) / 4.0);
        assertTrue(Math.abs(ones - (1 << 19)) < 6 * sigma, "bit balance " + ones);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Prg(new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> new Prg(seed(1), 100));
        assertThrows(IllegalArgumentException.class, () -> new Prg(seed(1)).nextBits(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> new Prg(seed(1)).fill(new long[4], 2, 3));
    }
}
