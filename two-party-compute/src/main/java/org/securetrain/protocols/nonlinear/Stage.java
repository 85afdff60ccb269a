package org.securetrain.protocols.nonlinear;

import java.util.function.Consumer;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * One exchange step of a protocol run by {@link StageRunner}: each party that contributes writes its
 * part once everything before this stage is complete, reads the peer's part, and the stage completes
 * when both parts are in. A party's part may therefore depend on the results of every earlier stage,
 * never on the peer's part of the same stage.
 */
public abstract class Stage {
    /** Only party 0 writes. */
    public static final int P0 = 1;
    /** Only party 1 writes. */
    public static final int P1 = 2;
    /** Both parties write. */
    public static final int BOTH = 3;

    private final int writers;

    protected Stage(int writers) {
        if (writers < P0 || writers > BOTH) {
            throw new IllegalArgumentException("writers must be P0, P1 or BOTH, got " + writers);
        }
        this.writers = writers;
    }

    /**
     * A stage that only moves data: {@code write} writes this party's part, {@code read} reads the peer's, nothing
     * to complete.
     */
    public static Stage of(int writers, Consumer<PackedWriter> write, Consumer<PackedReader> read) {
        return new Stage(writers) {
            @Override
            protected void write(PackedWriter out) {
                write.accept(out);
            }

            @Override
            protected void read(PackedReader in) {
                read.accept(in);
            }
        };
    }

    /** Whether party p contributes a part. */
    public final boolean writtenBy(int p) {
        return (writers >>> p & 1) != 0;
    }

    /** Writes this party's part (called only if this party contributes). */
    protected void write(PackedWriter out) {
    }

    /** Reads the peer's part (called only if the peer contributes). */
    protected void read(PackedReader in) {
    }

    /** Both parts are in: compute this stage's results. */
    protected void complete() {
    }
}
