package org.securetrain.crypto.ot;

import java.util.ArrayList;
import java.util.List;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.view.ReceivedMessage;
import org.securetrain.runtime.view.ViewRecorder;

/**
 * The view-testing kit's {@link ViewRecorder} with the per-channel accessor the OT and protocol tests were
 * written against: the long[] messages received on one channel. New tests should take the whole
 * {@link org.securetrain.runtime.view.View} ({@link #view()}) and compare views with
 * {@link org.securetrain.runtime.view.ViewAssert}.
 */
public final class RecordingSession extends ViewRecorder {

    public RecordingSession(Session inner) {
        super(inner);
    }

    /** Long messages received on {@code channel} so far, in order. */
    public List<long[]> received(String channel) {
        List<long[]> out = new ArrayList<>();
        for (ReceivedMessage m : recorded()) {
            if (m.isLongs() && m.stream().equals(channel)) {
                out.add(m.words());
            }
        }
        return out;
    }

    /** Forgets what was recorded so far. */
    public void clear() {
        reset();
    }
}
