package org.securetrain.crypto.he;

import java.util.Objects;
import org.securetrain.runtime.Channel;

/**
 * One HE cross term as both of its roles see it: its stream, this party's HE keys and the plan of the public shapes
 * ({@link HeMatMulPlan} for a matrix product, {@link ConvPlan} for a correlation).
 */
public record CrossTerm<P>(Channel ch, HeContext ctx, P plan) {
    public CrossTerm {
        Objects.requireNonNull(ch, "channel");
        Objects.requireNonNull(ctx, "HE context");
        Objects.requireNonNull(plan, "plan");
    }
}
