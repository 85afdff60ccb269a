package org.securetrain.backend;

import java.util.Objects;
import org.securetrain.protocols.nonlinear.ComparisonPlan;
import org.securetrain.protocols.nonlinear.ReluTruncationOt;

/**
 * The non-linear protocol choice of a {@link TwoPartyBackend}: the engine and, for {@link NonlinearEngine#OT},
 * how ReLU truncates, the millionaire's digit width and where the random COTs come from. Both parties must
 * agree on all of it: {@link #configString()} goes into the session's configuration hash. Immutable, validated.
 */
public record NonlinearSettings(NonlinearEngine engine, ReluTruncationOt.Mode reluTruncation, int radix,
        CotSource cotSource) {

    /** Where the OT engine's random COTs come from. */
    public enum CotSource {
        /** Ferret silent OT (the service's default published parameter set, security/silent-ot.md): < 1 bit/COT. */
        SILENT,
        /** IKNP OT extension with random choices: 16 bytes per COT (a measurement baseline). */
        IKNP
    }

    /** Default digit width of the millionaire's leaves (measured: docs/BENCHMARKS.md). */
    public static final int DEFAULT_RADIX = 4;
    /** Default ReLU truncation of the OT engine (measured: docs/BENCHMARKS.md). */
    public static final ReluTruncationOt.Mode DEFAULT_RELU_TRUNCATION = ReluTruncationOt.Mode.EXACT;

    public NonlinearSettings {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(reluTruncation, "reluTruncation");
        Objects.requireNonNull(cotSource, "cotSource");
        if (radix < 1 || radix > ComparisonPlan.MAX_RADIX) {
            throw new IllegalArgumentException("millionaire digit width must be in [1, " + ComparisonPlan.MAX_RADIX
                    + "], got " + radix);
        }
    }

    /** The engine with its default settings. */
    public static NonlinearSettings of(NonlinearEngine engine) {
        return new NonlinearSettings(engine, DEFAULT_RELU_TRUNCATION, DEFAULT_RADIX, CotSource.SILENT);
    }

    /** {@link NonlinearEngine#DEFAULT} with its default settings. */
    public static NonlinearSettings defaults() {
        return of(NonlinearEngine.DEFAULT);
    }

    public NonlinearSettings withReluTruncation(ReluTruncationOt.Mode m) {
        return new NonlinearSettings(engine, m, radix, cotSource);
    }

    public NonlinearSettings withRadix(int r) {
        return new NonlinearSettings(engine, reluTruncation, r, cotSource);
    }

    public NonlinearSettings withCotSource(CotSource s) {
        return new NonlinearSettings(engine, reluTruncation, radix, s);
    }

    /**
     * Parses the launcher/harness spelling: {@code gc}, or {@code ot} optionally followed by
     * {@code ,relu=exact|faithful}, {@code ,radix=N}, {@code ,cots=silent|iknp} (defaults otherwise).
     */
    public static NonlinearSettings parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException(
                    "non-linear settings: empty (expected gc or ot[,relu=..][,radix=..][,cots=..])");
        }
        String[] parts = spec.trim().split(",");
        NonlinearSettings s = of(NonlinearEngine.parse(parts[0]));
        if (s.engine() == NonlinearEngine.GC && parts.length > 1) {
            throw new IllegalArgumentException("non-linear settings '" + spec + "': gc takes no options");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].trim().split("=", 2);
            String v = kv.length == 2 ? kv[1].trim().toUpperCase(java.util.Locale.ROOT) : "";
            try {
                switch (kv[0].trim()) {
                    case "relu" -> s = s.withReluTruncation(ReluTruncationOt.Mode.valueOf(v));
                    case "radix" -> s = s.withRadix(Integer.parseInt(v));
                    case "cots" -> s = s.withCotSource(CotSource.valueOf(v));
                    default -> throw new IllegalArgumentException("unknown option '" + kv[0].trim() + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("non-linear settings '" + spec + "': " + parts[i].trim()
                        + " is not valid (relu=exact|faithful, radix=1.." + ComparisonPlan.MAX_RADIX
                        + ", cots=silent|iknp): " + e.getMessage(), e);
            }
        }
        return s;
    }

    /** The spelling {@link #parse} reads, with every setting written out. */
    public String spec() {
        return engine == NonlinearEngine.GC ? "gc"
                : "ot,relu=" + reluTruncation.name().toLowerCase(java.util.Locale.ROOT) + ",radix=" + radix + ",cots="
                        + cotSource.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** What both parties must agree on, for the configuration hash (the GC engine has no further settings). */
    public String configString() {
        return engine == NonlinearEngine.GC ? "nonlinear=gc"
                : "nonlinear=ot;relu=" + reluTruncation + ";radix=" + radix + ";cots=" + cotSource;
    }
}
