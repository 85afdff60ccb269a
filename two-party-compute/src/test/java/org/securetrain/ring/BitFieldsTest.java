package org.securetrain.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link BitFields} against a bit-by-bit reference, every width at every offset within a word and across words. */
class BitFieldsTest {

    private static long field(long v, int width) {
        return width == 64 ? v : v & ((1L << width) - 1);
    }

    @Test
    void putAndGetMatchTheBitByBitReference() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int width = 1; width <= 64; width++) {
            for (int pos = 0; pos < 130; pos++) {
                long v = field(rnd.nextLong(), width);
                long[] words = new long[4];
                BitFields.put(words, pos, v, width);
                long[] expected = new long[4];
                for (int b = 0; b < width; b++) {
                    long bit = v >>> b & 1;
                    expected[(pos + b) >>> 6] |= bit << ((pos + b) & 63);
                }
                assertArrayEquals(expected, words, "width " + width + " at bit " + pos);
                long noise = rnd.nextLong();
                long[] dirty = {noise, ~noise, noise * 31, -noise};
                for (int b = 0; b < width; b++) { // the field's bits as v, the rest arbitrary
                    int i = pos + b;
                    dirty[i >>> 6] = dirty[i >>> 6] & ~(1L << (i & 63)) | (v >>> b & 1) << (i & 63);
                }
                assertEquals(v, BitFields.get(dirty, pos, width), "width " + width + " at bit " + pos);
            }
        }
    }

    @Test
    void writerAndReaderRoundTripMixedWidths() {
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 500;
        int[] widths = new int[n];
        long[] values = new long[n];
        PackedWriter w = new PackedWriter(1);
        for (int i = 0; i < n; i++) {
            widths[i] = 1 + rnd.nextInt(64);
            values[i] = rnd.nextLong();
            w.bits(values[i], widths[i]);
        }
        PackedReader r = new PackedReader(w.toArray(), "test message");
        for (int i = 0; i < n; i++) {
            assertEquals(field(values[i], widths[i]), r.bits(widths[i]), "field " + i);
        }
        r.finish();
    }
}
