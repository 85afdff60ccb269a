package org.securetrain.runtime;

/**
 * The two parties of a SecureTrain session. The numeric id is the party index used by the protocols
 * (share index, who garbles first, ...): party 0 is the model owner ("server"), party 1 the data owner
 * ("client"). Which side listens on a socket is independent of the role.
 */
public enum Role {
    MODEL_OWNER(0),
    DATA_OWNER(1);

    private final int id;

    Role(int id) {
        this.id = id;
    }

    /** 0 for the model owner, 1 for the data owner. */
    public int id() {
        return id;
    }

    public Role peer() {
        return this == MODEL_OWNER ? DATA_OWNER : MODEL_OWNER;
    }

    public static Role ofId(int id) {
        switch (id) {
            case 0: return MODEL_OWNER;
            case 1: return DATA_OWNER;
            default: throw new IllegalArgumentException("party id must be 0 or 1, got " + id);
        }
    }
}
