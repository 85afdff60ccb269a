package org.securetrain.bench.parity;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securetrain.runtime.link.LinkProfile;

class LinkRunTest {

    @Test
    void namedProfilesCustomProfilesAndStepCaps() {
        List<LinkRun> runs = LinkRun.parseList(List.of("loopback,lan:10,200mbit,10ms:5,wan:3"));
        assertEquals(4, runs.size());
        assertSame(LinkProfile.LOOPBACK, runs.get(0).profile());
        assertNull(runs.get(0).maxSteps());
        assertEquals(LinkProfile.LAN, runs.get(1).profile());
        assertEquals(10, runs.get(1).maxSteps());
        assertEquals(LinkProfile.of(200_000_000L, Duration.ofMillis(10)), runs.get(2).profile());
        assertEquals(5, runs.get(2).maxSteps());
        assertEquals("200mbit_10ms", runs.get(2).label());
        assertEquals(LinkProfile.WAN, runs.get(3).profile());
        assertEquals(3, runs.get(3).maxSteps());
        // repeated options and a custom profile with jitter
        runs = LinkRun.parseList(List.of("100mbit,40ms,2ms", "lan"));
        assertEquals(2, runs.size());
        assertEquals(Duration.ofMillis(2), runs.get(0).profile().jitter());
        assertEquals(LinkProfile.LAN, runs.get(1).profile());
    }

    @Test
    void badListsNameTheCause() {
        assertMessage("loopback,,lan", "empty item");
        assertMessage("loopback,lan:x", "step cap 'x' of 'lan:x' is not a number");
        assertMessage("loopback,lan:0", "step cap must be positive");
        assertMessage("wan:3", "takes no step cap");
        assertMessage("lan,1gbit,0.5ms", "1gbit,0.5ms repeats profile lan");
        assertMessage("loopback,40ms", "unknown link profile '40ms'");
        assertMessage("loopback,100mbit", "unknown link profile '100mbit'");
    }

    private static void assertMessage(String list, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkRun.parseList(List.of(list)));
        assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void aStepCapTrainsTheFirstMinibatchesWithoutTheTest() {
        ParitySetup s = new ParitySetup("cnn", ParitySetup.DEFAULT_MLP_HIDDEN, ParitySetup.DEFAULT_CNN, 0.01, 42, 24,
                128, 1, ParitySetup.BUNDLED, 3840, 1000, "ot", "nesterov");
        assertEquals(30, s.totalSteps());
        ParitySetup capped = new LinkRun(LinkProfile.WAN, 3).apply(s, false);
        assertEquals(3, capped.totalSteps());
        assertEquals(384, capped.train());
        assertEquals(0, capped.test());
        ParitySetup uncapped = new LinkRun(LinkProfile.LAN, null).apply(s, true);
        assertEquals(30, uncapped.totalSteps());
        assertEquals(1000, uncapped.test());
        assertEquals(s.conf(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toJson(),
                capped.conf(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toJson(), "same model, same seed");
    }
}
