package org.securetrain.protocols.nonlinear;

import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/** Combining stages of sub-protocols into the stages of a larger one (so their messages share flights). */
final class Stages {
    private Stages() {
    }

    /**
     * One stage made of the given parts, in order: each part writes (reads) only if its own party
     * writes it, and all complete together, in order. {@code me} is this party's index.
     */
    static Stage merge(int me, Stage... parts) {
        int writers = 0;
        for (Stage s : parts) {
            writers |= (s.writtenBy(0) ? Stage.P0 : 0) | (s.writtenBy(1) ? Stage.P1 : 0);
        }
        return new Stage(writers) {
            @Override
            protected void write(PackedWriter out) {
                for (Stage s : parts) {
                    if (s.writtenBy(me)) {
                        s.write(out);
                    }
                }
            }

            @Override
            protected void read(PackedReader in) {
                for (Stage s : parts) {
                    if (s.writtenBy(1 - me)) {
                        s.read(in);
                    }
                }
            }

            @Override
            protected void complete() {
                for (Stage s : parts) {
                    s.complete();
                }
            }
        };
    }

    /** A stage that runs {@code before} ahead of {@code inner}'s write (this party's inputs become known). */
    static Stage beforeWrite(Stage inner, Runnable before, Runnable after) {
        int writers = (inner.writtenBy(0) ? Stage.P0 : 0) | (inner.writtenBy(1) ? Stage.P1 : 0);
        return new Stage(writers) {
            private boolean ready;

            private void prepare() {
                if (!ready) {
                    before.run();
                    ready = true;
                }
            }

            @Override
            protected void write(PackedWriter out) {
                prepare();
                inner.write(out);
            }

            @Override
            protected void read(PackedReader in) {
                inner.read(in);
            }

            @Override
            protected void complete() {
                prepare();
                inner.complete();
                if (after != null) {
                    after.run();
                }
            }
        };
    }
}
