package org.securetrain.bench.ot;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;

/**
 * The iteration lifecycle of a two-party benchmark whose methods label their own report: each benchmark method sets
 * {@link #current} and {@link #currentElements}; every iteration marks the parties' traffic and CPU counters at its
 * start and reports them (bytes, rounds, CPU per element) under that label at its end. The subclass's trial set-up
 * creates {@link #tp}, or calls {@link #openBackends} for {@link #tp} and a two-party backend per party (closed at the
 * trial's end, before {@link #tp}). The run settings below are the subclasses' too (JMH's class-level annotations are
 * {@code @Inherited}, and its generator reads them from the superclasses).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
public abstract class LabelledTwoPartyBench {
    TwoParties tp;
    /** What the running benchmark method measures, for the report. */
    String current = "";
    /** How many elements one call processes, for the per-element figures. */
    long currentElements = 1;
    /** Each party's backend, if the subclass opened them with {@link #openBackends}. */
    final TwoPartyBackend[] be = new TwoPartyBackend[2];

    /** Creates {@link #tp} and opens a {@link TwoPartyBackend} for each party at {@code fracBits} fraction bits. */
    void openBackends(int fracBits) {
        tp = new TwoParties(false);
        FixedPoint fp = FixedPoint.of(fracBits);
        tp.run(s -> be[0] = TwoPartyBackend.open(s, fp), s -> be[1] = TwoPartyBackend.open(s, fp));
    }

    @Setup(Level.Iteration)
    public void markIteration() {
        tp.mark();
    }

    @TearDown(Level.Iteration)
    public void reportIteration() {
        tp.report(current, currentElements);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (TwoPartyBackend b : be) {
            if (b != null) {
                b.close();
            }
        }
        tp.close();
    }
}
