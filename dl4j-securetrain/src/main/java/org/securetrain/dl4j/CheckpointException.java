package org.securetrain.dl4j;

/** A checkpoint could not be written, read or agreed on; the message names the file or both parties' steps. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
