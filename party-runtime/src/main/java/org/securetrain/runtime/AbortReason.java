package org.securetrain.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Why a party ends a session on purpose, in the only form that crosses to the peer: the stage that failed,
 * the kind of failure and, optionally, named shapes. Never a value: no share, weight, pixel, label or loss
 * can be put into one, because every part is validated when it is made:
 * <ul>
 *   <li>the stage names a place in the code ({@code [A-Za-z0-9_.:()' -]}, e.g. a protocol id such as {@code
 *       gc.layer1.relu} or {@code layer 1 (SecureDenseLayer 'dense') forward}); it is made by code from names
 *       and indices, never from data;</li>
 *   <li>the kind is a phrase of letters and spaces (no digits), usually the exception's class name;</li>
 *   <li>shapes are named dimension lists, the only numbers a reason carries (the peer knows them anyway:
 *       they are agreed leakage).</li>
 * </ul>
 * Exception messages, which may quote private values, never cross: {@link #failure(String, Throwable)} keeps
 * only the class name, except for an exception that declares itself {@link ExchangedParameters} (a mismatch of
 * protocol headers, whose message repeats only what both parties have already sent each other). Free text given
 * to {@link Session#abort(String)} stays in this party's log and the peer learns only that the party aborted
 * ({@link #withheld()}). This class is the one rule for what an abort may tell the peer; {@link SessionCore}
 * sends nothing else.
 */
public final class AbortReason {
    private static final Pattern STAGE = Pattern.compile("[A-Za-z0-9_.:()' -]{1,160}");
    private static final Pattern KIND = Pattern.compile("[A-Za-z][A-Za-z ]{0,79}");
    private static final Pattern SHAPE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}");
    private static final int MAX_SHAPES = 8;
    private static final int MAX_EXCHANGED_TEXT = 1000;
    private static final int MAX_DIMS = 8;

    private final String stage;
    private final String kind;
    private final List<String> shapes;
    /** The failure's own message, for this party's log and exceptions only; never sent. */
    private final String localDetail;
    /** The message of an {@link ExchangedParameters} failure, which may be sent; else null. */
    private final String exchanged;

    /**
     * Marks an exception whose message is made only of protocol parameters both parties have already exchanged
     * (roles, protocol flavours, element counts, chunk sizes, circuit names, as in a header mismatch): repeating
     * it to the peer tells it nothing it did not send or receive itself, so {@link #failure} sends it. An
     * exception class may carry this mark only if every message it is built with satisfies that.
     */
    public interface ExchangedParameters {
    }

    private AbortReason(String stage, String kind, List<String> shapes, String localDetail, String exchanged) {
        this.stage = stage;
        this.kind = kind;
        this.shapes = List.copyOf(shapes);
        this.localDetail = localDetail;
        this.exchanged = exchanged;
    }

    /**
     * A failure at {@code stage}: the peer learns the stage and the exception's class name, never its
     * message (which may quote values). Used on failure paths, so it does not throw: a stage that is not a
     * valid stage name is replaced by {@code "unnamed stage"}.
     */
    public static AbortReason failure(String stage, Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        String kind = cause.getClass().getSimpleName();
        String exchanged = null;
        if (cause instanceof ExchangedParameters && cause.getMessage() != null) {
            String m = cause.getMessage().replaceAll("\\p{Cntrl}", "?");
            exchanged = m.length() <= MAX_EXCHANGED_TEXT ? m : m.substring(0, MAX_EXCHANGED_TEXT) + "...";
        }
        return new AbortReason(stage != null && STAGE.matcher(stage).matches() ? stage : "unnamed stage",
                kind.isEmpty() ? "Exception" : kind, List.of(), cause.getMessage(), exchanged);
    }

    /** A failure at {@code stage} of the given kind, a phrase of letters and spaces (e.g. "shape mismatch"). */
    public static AbortReason of(String stage, String kind) {
        return new AbortReason(checkStage(stage), checkKind(kind), List.of(), null, null);
    }

    /** What crosses for a free-text reason: only that the party aborted; the text stays in its own log. */
    public static AbortReason withheld() {
        return new AbortReason(null, null, List.of(), null, null);
    }

    /** This reason with a named shape added, e.g. {@code withShape("weights", 784, 64)}. */
    public AbortReason withShape(String name, long... dims) {
        if (name == null || !SHAPE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("shape name must be an identifier, got '" + name + "'");
        }
        if (dims.length == 0 || dims.length > MAX_DIMS) {
            throw new IllegalArgumentException("a shape has 1 to " + MAX_DIMS + " dimensions, got " + dims.length);
        }
        if (shapes.size() == MAX_SHAPES) {
            throw new IllegalArgumentException("at most " + MAX_SHAPES + " shapes per reason");
        }
        StringBuilder sb = new StringBuilder(name).append(' ');
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        List<String> more = new ArrayList<>(shapes);
        more.add(sb.toString());
        return new AbortReason(stage, kind, more, localDetail, exchanged);
    }

    /** The stage, or null for a withheld reason. */
    public String stage() {
        return stage;
    }

    /** The kind of failure, or null for a withheld reason. */
    public String kind() {
        return kind;
    }

    /** The text the peer receives, prefixed with the aborting party: the whole of what crosses. */
    public String wireText(Role aborting) {
        String who = "party " + aborting.id() + " (" + aborting + ")";
        if (stage == null) {
            return who + " aborted the session (its reason stays in its own log)";
        }
        return who + " failed at " + this;
    }

    /**
     * What this party's own log and exceptions say: {@link #toString()} plus the failure's message, which
     * stays local.
     */
    public String localText() {
        return localDetail == null || exchanged != null ? toString() : toString() + " (" + localDetail + ")";
    }

    /** "stage: kind (shape 3x4, ...)", or "(withheld)": exactly what the peer receives after the party. */
    @Override
    public String toString() {
        if (stage == null) {
            return "(withheld)";
        }
        return stage + ": " + kind + (exchanged == null ? "" : ": " + exchanged)
                + (shapes.isEmpty() ? "" : " (" + String.join(", ", shapes) + ")");
    }

    private static String checkStage(String s) {
        if (s == null || !STAGE.matcher(s).matches()) {
            throw new IllegalArgumentException("an abort stage has 1 to 160 characters from [A-Za-z0-9_.:()' -], got '"
                    + s + "'");
        }
        return s;
    }

    private static String checkKind(String k) {
        if (k == null || !KIND.matcher(k).matches()) {
            throw new IllegalArgumentException("an abort kind is a phrase of letters and spaces (no digits), got '"
                    + k + "'");
        }
        return k;
    }
}
