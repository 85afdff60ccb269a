package org.securetrain.bench.parity;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.securetrain.backend.Backend;
import org.securetrain.backend.ForwardingBackend;
import org.securetrain.runtime.ProtocolId;

/**
 * INSECURE measurement aid for the parity harness (option {@code --audit-secure-truncations}): wraps one
 * party's real two-party backend and writes, for every faithful truncation, this party's input and output
 * shares to a file. Each file alone is uniformly random shares; the two files together reveal every truncated
 * value, so they exist only in a benchmark run on one machine and the harness deletes them after counting.
 * {@link #audit} reads both parties' files in lockstep (both parties truncate in the same order, which the
 * protocol itself enforces) and reconstructs each value: an output that is neither floor(x / 2^k) nor one
 * less is a wrap-around of the secure run itself, not of a twin run.
 */
public final class TruncationShareDump extends ForwardingBackend {
    private static final int MAGIC = 0x54524e43; // "TRNC"
    private final DataOutputStream out;

    public TruncationShareDump(Backend inner, Path file) {
        super(inner);
        try {
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
            out.writeInt(MAGIC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the truncation dump " + file, e);
        }
    }

    @Override
    protected void onTruncate(long[] x, int bits, ProtocolId id, long[] y) {
        try {
            out.writeInt(bits);
            out.writeInt(x.length);
            writeLongs(x);
            writeLongs(y);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the truncation dump", e);
        }
    }

    private void writeLongs(long[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * Long.BYTES);
        b.asLongBuffer().put(v);
        out.write(b.array());
    }

    @Override
    public void close() throws Exception {
        try {
            out.close();
        } finally {
            super.close();
        }
    }

    /** What the audit of the secure run's own truncations found. */
    public record Audit(long truncations, long values, long exact, long offByOne, long wrapArounds) {
    }

    /** Reconstructs every truncation of the two parties' dumps and classifies its result. */
    public static Audit audit(Path party0, Path party1) throws IOException {
        long calls = 0;
        long values = 0;
        long exact = 0;
        long off = 0;
        long wraps = 0;
        try (DataInputStream a = open(party0); DataInputStream b = open(party1)) {
            while (true) {
                int bitsA;
                try {
                    bitsA = a.readInt();
                } catch (EOFException end) {
                    if (b.read() != -1) {
                        throw new IOException("the data owner's truncation dump has more records than the model "
                                + "owner's (" + calls + ")");
                    }
                    break;
                }
                int nA = a.readInt();
                int bitsB = b.readInt();
                int nB = b.readInt();
                if (bitsA != bitsB || nA != nB) {
                    throw new IOException("truncation " + calls + ": the parties' dumps disagree (" + nA + " values by "
                            + bitsA + " bits vs " + nB + " by " + bitsB + ")");
                }
                long[] x0 = readLongs(a, nA);
                long[] y0 = readLongs(a, nA);
                long[] x1 = readLongs(b, nA);
                long[] y1 = readLongs(b, nA);
                for (int i = 0; i < nA; i++) {
                    long err = ((x0[i] + x1[i]) >> bitsA) - (y0[i] + y1[i]);
                    if (err == 0) {
                        exact++;
                    } else if (err == 1) {
                        off++;
                    } else {
                        wraps++;
                    }
                }
                calls++;
                values += nA;
            }
        }
        return new Audit(calls, values, exact, off, wraps);
    }

    private static DataInputStream open(Path p) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(p), 1 << 20));
        if (in.readInt() != MAGIC) {
            in.close();
            throw new IOException(p + " is not a truncation dump");
        }
        return in;
    }

    private static long[] readLongs(DataInputStream in, int n) throws IOException {
        byte[] raw = new byte[n * Long.BYTES];
        in.readFully(raw);
        long[] v = new long[n];
        ByteBuffer.wrap(raw).asLongBuffer().get(v);
        return v;
    }
}
