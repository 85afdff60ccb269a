package org.securetrain.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An IDX file of unsigned bytes (the MNIST/Fashion-MNIST format): a big-endian header
 * {@code 0x00 0x00 0x08 ndim} followed by ndim int dimensions and the data. Gzip is detected by its magic,
 * so both {@code .gz} and plain files load. Anything else fails with a message naming the file and why.
 */
public final class IdxFile {
    /** Refuse headers that claim absurd sizes instead of allocating them. */
    private static final long MAX_ELEMENTS = 1L << 31;

    private final int[] dims;
    private final byte[] data;

    private IdxFile(int[] dims, byte[] data) {
        this.dims = dims;
        this.data = data;
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Number of items: the first dimension. */
    public int count() {
        return dims[0];
    }

    /** Elements per item: the product of the other dimensions. */
    public int itemSize() {
        int s = 1;
        for (int i = 1; i < dims.length; i++) {
            s *= dims[i];
        }
        return s;
    }

    /** Raw unsigned bytes, item-major. */
    public byte[] data() {
        return data;
    }

    public static IdxFile read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "IDX file does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new IOException("expected an IDX file but " + path + " is a directory");
        }
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString(), Long.MAX_VALUE);
        }
    }

    /**
     * Reads at most {@code maxItems} items (the rest of the file is not read). Failures name the file ({@code name})
     * and what is wrong: a header or data cut short (how many bytes were expected and how many arrived), a
     * damaged gzip stream.
     */
    public static IdxFile read(InputStream raw, String name, long maxItems) throws IOException {
        BufferedInputStream buf = new BufferedInputStream(raw, 1 << 16);
        buf.mark(2);
        int b0 = buf.read();
        int b1 = buf.read();
        buf.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        InputStream in;
        try {
            in = gzip ? new GZIPInputStream(buf, 1 << 16) : buf;
        } catch (IOException e) {
            throw damagedGzip(name, 0, e);
        }
        DataInputStream d = new DataInputStream(in);
        byte[] head = new byte[4];
        int got = readFully(d, head, name, gzip, 0);
        if (got < 4) {
            throw new IOException("not an IDX file: " + name + (got == 0 ? " is empty" : " ends after " + got
                    + " bytes, inside the 4-byte magic number"));
        }
        int magic = ((head[0] & 0xff) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
        if ((magic >>> 16) != 0) {
            throw new IOException(String.format("not an IDX file: %s starts with 0x%08x, expected 0x0000TTNN", name, magic));
        }
        int type = (magic >>> 8) & 0xff;
        int ndim = magic & 0xff;
        if (type != 0x08) {
            throw new IOException(String.format("unsupported IDX element type 0x%02x in %s: only unsigned bytes (0x08)", type, name));
        }
        if (ndim < 1 || ndim > 4) {
            throw new IOException("IDX file " + name + " claims " + ndim + " dimensions; expected 1 to 4");
        }
        byte[] dimBytes = new byte[4 * ndim];
        int dimGot = readFully(d, dimBytes, name, gzip, 4);
        if (dimGot < dimBytes.length) {
            throw new IOException("truncated IDX header in " + name + ": " + ndim + " dimensions need "
                    + (4 + dimBytes.length) + " header bytes, the file ends after " + (4 + dimGot) + " ("
                    + (dimBytes.length - dimGot) + " missing)");
        }
        int[] dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++) {
            int o = 4 * i;
            dims[i] = ((dimBytes[o] & 0xff) << 24) | ((dimBytes[o + 1] & 0xff) << 16) | ((dimBytes[o + 2] & 0xff) << 8)
                    | (dimBytes[o + 3] & 0xff);
            if (dims[i] < 0) {
                throw new IOException("IDX file " + name + " has a negative dimension " + dims[i]);
            }
            total *= Math.max(1, dims[i]);
            if (total > MAX_ELEMENTS) {
                throw new IOException("IDX file " + name + " claims more than 2^31 elements: " + Arrays.toString(dims));
            }
        }
        long items = Math.min(dims[0], maxItems);
        long per = total / Math.max(1, dims[0]);
        dims[0] = (int) items;
        byte[] data = new byte[(int) (items * per)];
        int header = 4 + 4 * ndim;
        int dataGot = readFully(d, data, name, gzip, header);
        if (dataGot < data.length) {
            throw new IOException("truncated IDX file " + name + ": the header promises " + data.length
                    + " bytes of data (" + items + " items of " + per + " bytes), the file ends after " + dataGot
                    + " (" + (data.length - dataGot) + " missing)");
        }
        return new IdxFile(dims, data);
    }

    /**
     * Reads until {@code dst} is full or the stream ends; returns the bytes read. A damaged gzip stream fails
     * naming the file and the position ({@code offset} bytes of uncompressed content came before).
     */
    private static int readFully(InputStream in, byte[] dst, String name, boolean gzip, long offset) throws IOException {
        int n = 0;
        try {
            while (n < dst.length) {
                int r = in.read(dst, n, dst.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (EOFException e) {
            if (!gzip) {
                return n;
            }
            throw damagedGzip(name, offset + n, e); // the gzip stream itself was cut short
        } catch (java.util.zip.ZipException e) {
            throw damagedGzip(name, offset + n, e);
        }
        return n;
    }

    private static IOException damagedGzip(String name, long uncompressedSoFar, IOException e) {
        return new IOException("damaged gzip file " + name + " (after " + uncompressedSoFar + " bytes of IDX content): "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
}
