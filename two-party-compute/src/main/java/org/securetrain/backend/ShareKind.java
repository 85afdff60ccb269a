package org.securetrain.backend;

/**
 * What both parties know about how a tensor is shared. An input held in the clear by one party is the
 * sharing (X, 0): the other party's share is a known zero, and every HE cross term with it vanishes,
 * so kernels skip them (DESIGN.md 4.2). Both parties must pass the same kind; the secure kernels check.
 */
public enum ShareKind {
    /** Both shares are general (the usual case). */
    BOTH,
    /** Only party 0 (model owner) holds a non-zero share; party 1's share is zero. */
    ONLY_PARTY0,
    /** Only party 1 (data owner) holds a non-zero share; party 0's share is zero. */
    ONLY_PARTY1;

    public static ShareKind onlyParty(int party) {
        return party == 0 ? ONLY_PARTY0 : ONLY_PARTY1;
    }

    /** True when party {@code p}'s share is known to be zero. */
    public boolean isZeroAt(int p) {
        return (this == ONLY_PARTY0 && p == 1) || (this == ONLY_PARTY1 && p == 0);
    }
}
