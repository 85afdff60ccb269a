package org.securetrain.crypto.ot.silent;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** {@link LpnEncoder} against a row-by-row reference built from AES-ECB on explicit counter blocks. */
class LpnEncoderTest {

    /** Keystream block j of iteration it: AES_seed(counter = it * 2^64 + j), big-endian counter. */
    static byte[] keystreamBlock(Cipher ecb, long it, long j) throws Exception {
        ByteBuffer ctr = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(it).putLong(j);
        return ecb.doFinal(ctr.array());
    }

    /** The reference: out_r ^= XOR of table[w_h mod k], w_h = LE32 of keystream bytes [40r + 4h, +4). */
    static void reference(byte[] seed, int logk, long it, long row0, int rows, long[] table, long[] out)
            throws Exception {
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"));
        long k = 1L << logk;
        for (int r = 0; r < rows; r++) {
            long row = row0 + r;
            for (int h = 0; h < FerretParams.ROW_WEIGHT; h++) {
                long byteIndex = 40 * row + 4 * h;
                byte[] blk = keystreamBlock(ecb, it, byteIndex / 16);
                int w = ByteBuffer.wrap(blk, (int) (byteIndex % 16), 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                long idx = Integer.toUnsignedLong(w) % k;
                out[2 * r] ^= table[(int) (2 * idx)];
                out[2 * r + 1] ^= table[(int) (2 * idx + 1)];
            }
        }
    }

    @Test
    void matchesTheReferenceOnRandomInputs() throws Exception {
        Random rnd = new Random(7);
        for (int logk : new int[] {4, 10, 16}) {
            byte[] seed = new byte[16];
            rnd.nextBytes(seed);
            long[] table = rnd.longs(2L << logk).toArray();
            for (long[] c : new long[][] {{1, 0, 1}, {1, 0, 3000}, {5, 2, 2500}, {1L << 40, 123_456, 1025}}) {
                long it = c[0];
                long row0 = c[1];
                int rows = (int) c[2];
                long[] init = rnd.longs(2L * rows).toArray();
                long[] got = init.clone();
                long[] want = init.clone();
                new LpnEncoder(logk, seed).encode(it, row0, rows, table, got, 0);
                reference(seed, logk, it, row0, rows, table, want);
                assertArrayEquals(want, got, "logk=" + logk + " it=" + it + " row0=" + row0 + " rows=" + rows);
            }
        }
    }

    @Test
    void splittingACallChangesNothingAndOffsetsWork() {
        Random rnd = new Random(8);
        byte[] seed = new byte[16];
        rnd.nextBytes(seed);
        long[] table = rnd.longs(2L << 12).toArray();
        LpnEncoder e = new LpnEncoder(12, seed);
        long[] whole = new long[2 * 5000];
        e.encode(3, 1000, 5000, table, whole, 0);
        long[] parts = new long[2 * 5000 + 6];
        e.encode(3, 1000, 2048, table, parts, 6);
        e.encode(3, 3048, 2952, table, parts, 6 + 2 * 2048);
        for (int i = 0; i < whole.length; i++) {
            assertEquals(whole[i], parts[6 + i], "long " + i);
        }
        long[] other = new long[2 * 5000];
        e.encode(4, 1000, 5000, table, other, 0);
        assertFalse(java.util.Arrays.equals(whole, other), "a new iteration must use a new code");
    }

    @Test
    void rejectsBadArguments() {
        LpnEncoder e = new LpnEncoder(8, new byte[16]);
        long[] table = new long[2 << 8];
        assertThrows(IllegalArgumentException.class, () -> e.encode(1, 1, 4, table, new long[8], 0), "odd first row");
        assertThrows(IllegalArgumentException.class, () -> e.encode(1, 0, 4, new long[10], new long[8], 0),
                "small table");
        assertThrows(IndexOutOfBoundsException.class, () -> e.encode(1, 0, 5, table, new long[8], 0));
        assertThrows(IllegalArgumentException.class, () -> new LpnEncoder(8, new byte[15]));
    }
}
