package org.securetrain.bench.ot;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The iteration lifecycle of a two-party benchmark whose methods label their own report: each benchmark method sets
 * {@link #current} and {@link #currentElements}; every iteration marks the parties' traffic and CPU counters at its
 * start and reports them (bytes, rounds, CPU per element) under that label at its end. The subclass's trial set-up
 * creates {@link #tp}.
 */
@State(Scope.Benchmark)
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
