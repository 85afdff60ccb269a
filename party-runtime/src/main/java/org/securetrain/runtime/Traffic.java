package org.securetrain.runtime;

/**
 * Immutable traffic figures of one party on a stream, a protocol step, or the whole session.
 * Bytes count frame headers and payloads (what the party hands to TLS); TLS record overhead is not included.
 * A round is one flight: a run of messages this party sends without receiving in between on that stream.
 */
public record Traffic(long bytesSent, long bytesReceived, long messagesSent, long messagesReceived, long rounds) {
    public static final Traffic ZERO = new Traffic(0, 0, 0, 0, 0);

    public Traffic plus(Traffic o) {
        return new Traffic(bytesSent + o.bytesSent, bytesReceived + o.bytesReceived,
                messagesSent + o.messagesSent, messagesReceived + o.messagesReceived, rounds + o.rounds);
    }

    public Traffic minus(Traffic o) {
        return new Traffic(bytesSent - o.bytesSent, bytesReceived - o.bytesReceived,
                messagesSent - o.messagesSent, messagesReceived - o.messagesReceived, rounds - o.rounds);
    }

    public long bytesTotal() {
        return bytesSent + bytesReceived;
    }

    @Override
    public String toString() {
        return String.format("sent %s in %d msgs, received %s in %d msgs, %d rounds",
                human(bytesSent), messagesSent, human(bytesReceived), messagesReceived, rounds);
    }

    /** Bytes in binary units, e.g. "12.3 MiB". */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format("%.1f %s", v, units[u]);
    }
}
