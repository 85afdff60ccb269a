package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The agreement mechanism's guarantees, run on any pair of sessions (in-memory and TLS): a disagreement fails
 * both parties promptly, each naming both views, and agreeing adds no message. Party 0 is {@code a}.
 */
public final class AgreementScenarios {
    /** What "promptly" means here: far below any receive timeout of the tests. */
    static final long PROMPT_MS = 15_000;

    private AgreementScenarios() {
    }

    /** Runs both parties' bodies concurrently; each returns its result or the exception it threw. */
    public static Object[] outcomes(Session a, Function<Session, Object> p0, Session b, Function<Session, Object> p1)
            throws Exception {
        CompletableFuture<Object> f0 = CompletableFuture.supplyAsync(() -> attempt(p0, a));
        CompletableFuture<Object> f1 = CompletableFuture.supplyAsync(() -> attempt(p1, b));
        return new Object[] {f0.get(60, TimeUnit.SECONDS), f1.get(60, TimeUnit.SECONDS)};
    }

    private static Object attempt(Function<Session, Object> body, Session s) {
        try {
            return body.apply(s);
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Both outcomes are agreement failures whose messages contain {@code mine[p]} and {@code theirs[p]}. */
    public static void assertBothFailNamingBothViews(Object[] outcomes, String[] mine, String[] theirs) {
        for (int p = 0; p < 2; p++) {
            AgreementException e = assertInstanceOf(AgreementException.class, outcomes[p], "party " + p);
            String m = e.getMessage();
            assertTrue(m.contains("this party " + mine[p]) && m.contains("the peer " + theirs[p]),
                    "party " + p + ": " + m);
        }
    }

    /** One party truncates 8192 values, the other 4096: the receiver finds it on the first message. */
    public static void differentShapesFailBothNamingBothViews(Session a, Session b) throws Exception {
        long t0 = System.nanoTime();
        Object[] r = outcomes(a, s -> {
            Channel c = s.channel("agree.shape");
            c.agree("truncates 8192 values by 24 bits");
            c.sendLongs(new long[8192]);
            return c.receiveLongs();
        }, b, s -> {
            Channel c = s.channel("agree.shape");
            c.agree("truncates 4096 values by 24 bits");
            return c.receiveLongs();
        });
        assertBothFailNamingBothViews(r, new String[] {"truncates 8192 values by 24 bits",
                "truncates 4096 values by 24 bits"}, new String[] {"truncates 4096 values by 24 bits",
                "truncates 8192 values by 24 bits"});
        assertTrue(((AgreementException) r[0]).getMessage().contains("call #1"), r[0].toString());
        assertPrompt(t0);
    }

    /**
     * Both parties wait for the other (both think they receive first, like two OT senders): no data message
     * will ever flow, the probe after the configured delay finds the disagreement.
     */
    public static void bothWaitingFailThroughTheProbe(Session a, Session b) throws Exception {
        long t0 = System.nanoTime();
        Object[] r = outcomes(a, s -> {
            Channel c = s.channel("agree.roles");
            c.agree("runs block COT of 5 OTs from party 0 to party 1");
            return c.receiveLongs();
        }, b, s -> {
            Channel c = s.channel("agree.roles");
            c.agree("runs block COT of 5 OTs from party 1 to party 0");
            return c.receiveLongs();
        });
        assertBothFailNamingBothViews(r, new String[] {"runs block COT of 5 OTs from party 0",
                "runs block COT of 5 OTs from party 1"}, new String[] {"runs block COT of 5 OTs from party 1",
                "runs block COT of 5 OTs from party 0"});
        assertPrompt(t0);
    }

    /** Waiting on different streams, but the call was agreed on a shared one (two garblers): still found. */
    public static void bothWaitingOnDifferentStreamsFailThroughTheProbe(Session a, Session b) throws Exception {
        long t0 = System.nanoTime();
        Object[] r = outcomes(a, s -> {
            s.channel("agree.run").agree("evaluates 'add', party 0 garbling");
            return s.channel("agree.run.g0").receiveLongs();
        }, b, s -> {
            s.channel("agree.run").agree("evaluates 'add', party 1 garbling");
            return s.channel("agree.run.g1").receiveLongs();
        });
        assertBothFailNamingBothViews(r, new String[] {"evaluates 'add', party 0 garbling",
                "evaluates 'add', party 1 garbling"}, new String[] {"evaluates 'add', party 1 garbling",
                "evaluates 'add', party 0 garbling"});
        assertPrompt(t0);
    }

    /** One party is a call ahead: it sends under call #2 what the peer reads in call #1. */
    public static void aPartyACallAheadFailsBoth(Session a, Session b) throws Exception {
        long t0 = System.nanoTime();
        Object[] r = outcomes(a, s -> {
            Channel c = s.channel("agree.step");
            c.agree("reveals 10 values to party 1");
            c.agree("reveals 20 values to party 1");
            c.sendLongs(new long[20]);
            return c.receiveLongs();
        }, b, s -> {
            Channel c = s.channel("agree.step");
            c.agree("reveals 10 values to party 1");
            return c.receiveLongs();
        });
        for (int p = 0; p < 2; p++) {
            AgreementException e = assertInstanceOf(AgreementException.class, r[p], "party " + p);
            assertTrue(e.getMessage().contains("out of step") && e.getMessage().contains("#2 (reveals 20 values")
                    && e.getMessage().contains("#1 (reveals 10 values"), "party " + p + ": " + e.getMessage());
        }
        assertPrompt(t0);
    }

    /**
     * The same exchange with and without agreements: same messages and rounds; the stamps add 8 bytes to the
     * first message after each agreement and nothing else; no control message (no probe, no mismatch).
     */
    public static void agreedCallsAddNoMessage(Session a, Session b, boolean agree) throws Exception {
        String name = agree ? "agree.none.with" : "agree.none.without";
        Traffic before = a.traffic().total();
        Object[] r = outcomes(a, s -> {
            Channel c = s.channel(name);
            for (int call = 0; call < 10; call++) {
                if (agree) {
                    c.agree("multiplies 3x4 (shared) by 4x5 (shared), call " + call);
                }
                c.sendLongs(new long[12]);
                c.sendLongs(new long[1]); // a second message in the same call carries no stamp
                c.receiveLongs();
            }
            return null;
        }, b, s -> {
            Channel c = s.channel(name);
            for (int call = 0; call < 10; call++) {
                if (agree) {
                    c.agree("multiplies 3x4 (shared) by 4x5 (shared), call " + call);
                }
                c.receiveLongs();
                c.receiveLongs();
                c.sendLongs(new long[15]);
            }
            return null;
        });
        assertNull(r[0], String.valueOf(r[0]));
        assertNull(r[1], String.valueOf(r[1]));
        Traffic t = a.traffic().total().minus(before);
        Traffic stream = a.traffic().snapshot().streams().get(name);
        assertEquals(20, stream.messagesSent());
        assertEquals(10, stream.messagesReceived());
        assertEquals(10, stream.rounds());
        long payload = 8L * (12 + 1) * 10;
        long headers = 9L * 20;
        assertEquals(payload + headers + (agree ? 8L * 10 : 0), stream.bytesSent(), "8 stamp bytes per call");
        assertEquals(8L * 15 * 10 + 9L * 10 + (agree ? 8L * 10 : 0), stream.bytesReceived());
        assertEquals(stream.messagesSent(), t.messagesSent(), "no control message");
        assertFalse(a.traffic().snapshot().steps().containsKey("agreement"), "no probe or mismatch message");
    }

    static void assertPrompt(long t0) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < PROMPT_MS, "took " + ms + " ms");
    }
}
