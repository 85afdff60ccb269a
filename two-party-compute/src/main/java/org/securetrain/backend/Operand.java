package org.securetrain.backend;

import java.util.Objects;

/**
 * One party's share of a matrix operand of a secure product: the row-major storage, whether the
 * product uses it transposed (no transposed copy is made), and how it is shared.
 */
public record Operand(long[] share, boolean transposed, ShareKind kind) {
    public Operand {
        Objects.requireNonNull(share, "share");
        Objects.requireNonNull(kind, "kind");
    }

    public static Operand of(long[] share) {
        return new Operand(share, false, ShareKind.BOTH);
    }

    public static Operand of(long[] share, ShareKind kind) {
        return new Operand(share, false, kind);
    }

    public Operand transpose() {
        return new Operand(share, !transposed, kind);
    }
}
