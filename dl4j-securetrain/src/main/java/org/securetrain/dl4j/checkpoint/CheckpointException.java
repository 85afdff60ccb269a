package org.securetrain.dl4j.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint could not be written, read or agreed on; the message names the file or both parties' steps.
 * {@link #reason()} and {@link #file()} let a caller (the launcher) word the cause in its own terms.
 */
public class CheckpointException extends RuntimeException {
    /** What went wrong, as far as a caller may want to react differently. */
    public enum Reason {
        /** A checkpoint file is unreadable, truncated, damaged, or not a checkpoint. */
        DAMAGED,
        /** A checkpoint file holds the other party's shares. */
        OTHER_PARTY,
        /** A checkpoint file was written for another configuration or precision. */
        OTHER_CONFIGURATION,
        /** The parties' checkpoints do not fit together (no common step, different runs or configurations). */
        NOT_AGREED,
        /** The directory cannot be listed or written. */
        IO
    }

    private final Reason reason;
    private final Path file;

    public CheckpointException(Reason reason, Path file, String message) {
        super(message);
        this.reason = reason;
        this.file = file;
    }

    public CheckpointException(Reason reason, Path file, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.file = file;
    }

    public Reason reason() {
        return reason;
    }

    /** The checkpoint file concerned, or null when the cause is not one file. */
    public Path file() {
        return file;
    }
}
