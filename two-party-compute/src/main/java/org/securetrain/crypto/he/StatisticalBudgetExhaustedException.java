package org.securetrain.crypto.he;

/**
 * A session ran all the HE cross terms its statistical security was planned for
 * ({@link HeParameters#plannedCrossTerms()}); it refuses the next product instead of running below the
 * planned security. Thrown at both parties for the same product, before any of its data is sent.
 */
public final class StatisticalBudgetExhaustedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public StatisticalBudgetExhaustedException(String message) {
        super(message);
    }
}
