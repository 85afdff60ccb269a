package org.securetrain.layers.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.ParameterShare;

/**
 * The optimiser steps of one training step, queued by each layer at the end of its backward and run together at the
 * end of the backward pass ({@link LayerCore#finishBackward}): parameters whose updaters have the same public step
 * ({@link ShareUpdater#groupKey}) go through one {@link ShareUpdater#applyTogether} call, so the update costs the
 * flights of one parameter's update instead of those of every tensor of every layer, one after the other.
 *
 * <p>Deferring is exact: a layer's backward reads only its own parameters, before queuing their update, and DL4J's
 * own updater also runs after the whole backward pass. Both parties queue the same steps in the same order (DL4J
 * drives their networks through the same calls), so they run the same batched calls. One per party context; not
 * thread-safe (DL4J trains a network on one thread).
 */
public final class StepUpdates {
    private record Pending(ShareUpdater updater, ParameterShare parameter, int batch, int iteration, int epoch) {
    }

    private final List<Pending> pending = new ArrayList<>();
    private final List<Runnable> afterwards = new ArrayList<>();

    /** Queues the update of {@code p} by {@code u} (see {@link ShareUpdater#apply} for the arguments). */
    void add(ShareUpdater u, ParameterShare p, int batch, int iteration, int epoch) {
        pending.add(new Pending(u, p, batch, iteration, epoch));
    }

    /** Runs {@code r} after the queued updates (e.g. the INSECURE debug monitor of the updated values). */
    void afterwards(Runnable r) {
        afterwards.add(r);
    }

    /** Whether updates are queued. */
    public boolean isEmpty() {
        return pending.isEmpty() && afterwards.isEmpty();
    }

    /** Runs every queued update, grouped by step, in the order of each group's first parameter; then empties the queue. */
    public void run(Backend be) {
        List<Pending> todo = new ArrayList<>(pending);
        List<Runnable> after = new ArrayList<>(afterwards);
        pending.clear();
        afterwards.clear();
        Map<Object, List<Pending>> groups = new LinkedHashMap<>();
        int alone = 0;
        for (Pending p : todo) {
            Object key = p.updater.groupKey(p.batch, p.iteration, p.epoch);
            Object k = key == null ? Integer.valueOf(alone++) : List.of(key, p.iteration, p.epoch);
            groups.computeIfAbsent(k, x -> new ArrayList<>()).add(p);
        }
        for (List<Pending> g : groups.values()) {
            Pending first = g.get(0);
            List<ShareUpdater> us = new ArrayList<>(g.size());
            List<ParameterShare> ps = new ArrayList<>(g.size());
            for (Pending p : g) {
                us.add(p.updater);
                ps.add(p.parameter);
            }
            if (g.size() == 1) {
                first.updater.apply(be, first.parameter, first.batch, first.iteration, first.epoch);
            } else {
                first.updater.applyTogether(be, us, ps, first.batch, first.iteration, first.epoch);
            }
        }
        for (Runnable r : after) {
            r.run();
        }
    }
}
