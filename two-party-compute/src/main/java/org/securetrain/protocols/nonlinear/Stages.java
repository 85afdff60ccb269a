package org.securetrain.protocols.nonlinear;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * Two protocols' stages in one run: stage i of the result is stage i of {@code main} merged with stage
     * i - {@code offset} of {@code extra} (where both exist), so the extra protocol's messages travel in the main
     * one's flights. Each merged stage completes when both parts are in, so neither protocol waits longer than the
     * deeper of the two.
     */
    static List<Stage> alongside(int me, List<Stage> main, List<Stage> extra, int offset) {
        int len = Math.max(main.size(), offset + extra.size());
        List<Stage> out = new ArrayList<>(len);
        for (int i = 0; i < len; i++) {
            Stage a = i < main.size() ? main.get(i) : null;
            int j = i - offset;
            Stage b = j >= 0 && j < extra.size() ? extra.get(j) : null;
            out.add(a == null ? b : b == null ? a : merge(me, a, b));
        }
        if (out.contains(null)) {
            throw new IllegalArgumentException("extra stages start at " + offset + " beyond the main run's "
                    + main.size() + " stages");
        }
        return out;
    }

    /** {@code inner}, followed by {@code after} once it completes (its results are in). */
    static Stage thenRun(Stage inner, Runnable after) {
        return beforeWrite(inner, () -> { }, after);
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
