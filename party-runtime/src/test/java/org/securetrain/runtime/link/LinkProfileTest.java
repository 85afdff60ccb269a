package org.securetrain.runtime.link;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinkProfileTest {

    @Test
    void namedProfiles() {
        assertSame(LinkProfile.LOOPBACK, LinkProfile.parse("loopback"));
        assertFalse(LinkProfile.LOOPBACK.isSimulated());
        LinkProfile lan = LinkProfile.parse("LAN");
        assertSame(LinkProfile.LAN, lan);
        assertEquals(1_000_000_000L, lan.bitsPerSecond());
        assertEquals(Duration.ofNanos(500_000), lan.rtt());
        LinkProfile wan = LinkProfile.parse(" wan ");
        assertEquals(100_000_000L, wan.bitsPerSecond());
        assertEquals(Duration.ofMillis(40), wan.rtt());
        assertEquals(Duration.ZERO, wan.jitter());
        assertEquals("wan (100mbit,40ms)", wan.describe());
        assertEquals("lan (1gbit,500us)", lan.describe());
    }

    @Test
    void bandwidthAndRtt() {
        LinkProfile p = LinkProfile.parse("200mbit,10ms");
        assertTrue(p.isSimulated());
        assertEquals(200_000_000L, p.bitsPerSecond());
        assertEquals(Duration.ofMillis(10), p.rtt());
        assertEquals("200mbit,10ms", p.name());
        assertEquals(p, LinkProfile.parse(p.name()));
        assertEquals(LinkProfile.LAN, LinkProfile.parse("1gbit,0.5ms"));
        assertEquals(1_500_000L, LinkProfile.parse("1.5mbit/s,0ms").bitsPerSecond());
        assertEquals(64_000L, LinkProfile.parse("64kbit, 2s").bitsPerSecond());
        assertEquals(Duration.ofSeconds(2), LinkProfile.parse("64kbit, 2s").rtt());
        assertEquals(Duration.ofNanos(250_000), LinkProfile.parse("10gbit,250us").rtt());
        LinkProfile latencyOnly = LinkProfile.parse("unlimited,40ms");
        assertEquals(0, latencyOnly.bitsPerSecond());
        assertTrue(latencyOnly.isSimulated());
        LinkProfile jit = LinkProfile.parse("100mbit,40ms,3ms");
        assertEquals(Duration.ofMillis(3), jit.jitter());
        assertEquals("100mbit,40ms,3ms", jit.name());
        assertSame(LinkProfile.LOOPBACK, LinkProfile.parse("unlimited,0ms"));
    }

    @Test
    void badInputNamesTheCause() {
        assertMessage("", "empty link profile");
        assertMessage("wlan", "unknown link profile 'wlan'");
        assertMessage("100mbit", "unknown link profile '100mbit'");
        assertMessage("100,40ms", "bandwidth '100' is not a number with a unit");
        assertMessage("100mb,40ms", "bandwidth '100mb' is not a number with a unit");
        assertMessage("100mbit,40", "round-trip time '40' is not a number with a unit");
        assertMessage("100mbit,-4ms", "round-trip time '-4ms' is not a number");
        assertMessage("100mbit,40ms,x", "jitter 'x' is not a number");
        assertMessage("100mbit,40ms,1ms,2ms", "unknown link profile");
        assertMessage("0mbit,40ms", "outside 1kbit..1000gbit");
        assertMessage("2000gbit,40ms", "outside 1kbit..1000gbit");
        assertMessage("1gbit,61s", "above 60 s");
        assertThrows(IllegalArgumentException.class, () -> LinkProfile.of(10, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> LinkProfile.of(1_000_000, Duration.ofMillis(-1)));
    }

    private static void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkProfile.parse(text));
        assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void estimateIsBytesOverBandwidthPlusRoundTripsTimesRtt() {
        // 125 MB at 100 Mbit/s = 10 s, plus 81 round trips of 40 ms = 3.24 s
        assertEquals(13.24, LinkProfile.WAN.estimateSeconds(125_000_000L, 81), 1e-9);
        assertEquals(0.0, LinkProfile.LOOPBACK.estimateSeconds(1L << 40, 1000), 0.0);
        assertEquals(1_000_000_000L, LinkProfile.WAN.wireNanos(12_500_000L)); // 12.5 MB = 100 Mbit = 1 s
        assertEquals(0, LinkProfile.parse("unlimited,1ms").wireNanos(1L << 30));
    }
}
