package org.securetrain.crypto.gc;

import java.util.Arrays;
import java.util.Objects;

/**
 * The garbling scheme on its own, without a network: garble one chunk of m elements into a flat
 * {@code long[]} (garbled tables followed by output-decoding planes) and evaluate it from the active
 * input labels. This is what {@link GcProtocol} runs per chunk; it is public for benchmarks and for
 * tests that hand labels over directly. It is not a two-party protocol: the evaluator's active labels
 * must reach it by oblivious transfer ({@link GcProtocol} does that).
 *
 * <p>The garbler's and evaluator's objects must be created with the same hash-key seed and be used
 * on the same sequence of (circuit, m), because hash keys are re-keyed by usage (see
 * {@link GateHash}).
 */
public final class HalfGatesScheme {
    private HalfGatesScheme() {
    }

    /** Garbler with free-XOR offset Δ = (deltaLo, deltaHi) (lsb(deltaLo) must be 1). Not thread-safe. */
    public static final class Garbler {
        private final HalfGatesGarbler engine;
        private final GateHash hash;
        private final ArrayTables tables = new ArrayTables();  // exact-size: never grows past the caller's array

        public Garbler(long deltaLo, long deltaHi, long seedLo, long seedHi) {
            this.engine = new HalfGatesGarbler(deltaLo, deltaHi);
            this.hash = new GateHash(seedLo, seedHi);
        }

        /**
         * Garbles circuit c for m elements ({@code 1 <= m <=} {@link GcProtocol#MAX_CHUNK}).
         *
         * @param evalIn0     0-labels of the evaluator's inputs, 2·nE·m longs, wire-major
         * @param garblerBits the garbler's input planes, nG·words(m) longs
         * @return the garbled chunk: tables of every AND in order, then nOut decoding planes
         */
        public long[] garble(Circuit c, int m, long[] evalIn0, long[] garblerBits) {
            long[] out = new long[garbledLength(c, m)];
            garbleInto(c, m, evalIn0, garblerBits, out);
            return out;
        }

        /** As {@link #garble}, writing into {@code out} of exactly {@link #garbledLength} longs (no allocation). */
        public void garbleInto(Circuit c, int m, long[] evalIn0, long[] garblerBits, long[] out) {
            GcPlan p = c.plan();
            checkChunk(m);
            checkLength(evalIn0, 2L * p.evaluatorInputs * m, "evaluator input 0-labels");
            checkLength(garblerBits, (long) p.garblerInputs * BitPlanes.words(m), "garbler input planes");
            checkLength(out, garbledLength(c, m), "output array");
            tables.buf = out;
            tables.reset();
            engine.garbleChunk(p, hash, m, evalIn0 == null ? new long[0] : evalIn0,
                    garblerBits == null ? new long[0] : garblerBits, tables);
        }
    }

    /** Longs of a garbled chunk of m elements: the tables (4 per full AND, 2 per half AND, per element) and nOut decoding planes. */
    public static int garbledLength(Circuit c, int m) {
        GcPlan p = c.plan();
        long len = (long) p.tableLongsPerElement * m + (long) p.outputs * BitPlanes.words(m);
        if (len > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("garbled chunk of " + m + " elements of '" + c.name() + "' is too large");
        }
        return (int) len;
    }

    /** Evaluator. Not thread-safe. */
    public static final class Evaluator {
        private final HalfGatesEvaluator engine = new HalfGatesEvaluator();
        private final GateHash hash;

        public Evaluator(long seedLo, long seedHi) {
            this.hash = new GateHash(seedLo, seedHi);
        }

        /**
         * Evaluates a chunk garbled by {@link Garbler#garble}; returns the output planes
         * (nOut·words(m) longs).
         */
        public long[] evaluate(Circuit c, int m, long[] evalLabels, long[] garbled) {
            GcPlan p = c.plan();
            checkChunk(m);
            checkLength(evalLabels, 2L * p.evaluatorInputs * m, "evaluator input labels");
            long expect = garbledLength(c, m);
            Objects.requireNonNull(garbled, "garbled");
            if (garbled.length != expect) {
                throw new IllegalArgumentException("garbled chunk has " + garbled.length + " longs, circuit '" + c.name()
                        + "' over " + m + " elements needs " + expect);
            }
            ArrayTables src = new ArrayTables();
            src.buf = garbled;
            src.end = garbled.length;
            int words = BitPlanes.words(m);
            long[] out = new long[p.outputs * words];
            engine.evaluateChunk(p, hash, m, evalLabels == null ? new long[0] : evalLabels, src, out, 0, words);
            return out;
        }
    }

    private static void checkChunk(int m) {
        if (m < 1 || m > GcProtocol.MAX_CHUNK) {
            throw new IllegalArgumentException("chunk must hold 1.." + GcProtocol.MAX_CHUNK + " elements, got " + m);
        }
    }

    private static void checkLength(long[] a, long need, String what) {
        long have = a == null ? 0 : a.length;
        if (have != need) {
            throw new IllegalArgumentException(what + ": expected " + need + " longs, got " + have);
        }
    }

    /** Growable in-memory record stream: sink for the garbler, source for the evaluator. */
    static final class ArrayTables implements TableSink, TableSource {
        long[] buf = new long[1024];
        int end;
        private int read;

        void reset() {
            end = 0;
            read = 0;
        }

        @Override
        public int reserve(int len) {
            if (end + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + len));
            }
            int o = end;
            end += len;
            return o;
        }

        @Override
        public int take(int len) {
            if (read + len > end) {
                throw new IllegalStateException("garbled chunk exhausted");
            }
            int o = read;
            read += len;
            return o;
        }

        @Override
        public long[] buffer() {
            return buf;
        }
    }
}
