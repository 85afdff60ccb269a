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

/**
 * The iteration lifecycle of a two-party benchmark whose methods label their own report: each benchmark method sets
 * {@link #current} and {@link #currentElements}; every iteration marks the parties' traffic and CPU counters at its
 * start and reports them (bytes, rounds, CPU per element) under that label at its end. The subclass's trial set-up
 * creates {@link #tp}. The run settings below are the subclasses' too (JMH's class-level annotations are
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
        tp.close();
    }
}
