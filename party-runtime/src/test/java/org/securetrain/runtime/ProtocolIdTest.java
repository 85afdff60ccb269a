package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ProtocolIdTest {

    @Test
    void namesAreDerivedFromTheSegments() {
        ProtocolId id = ProtocolId.of("layer1", "dense");
        assertEquals("layer1.dense", id.name());
        assertEquals("layer1.dense.fwd", id.child("fwd").name());
        assertEquals("layer1.dense.dX.trunc", id.child("dX", "trunc").name());
        assertEquals("he.layer1.dense.fwd", id.child("fwd").under("he").name());
        assertEquals("he", id.under("he").first());
        assertEquals(id, ProtocolId.parse("layer1.dense"));
        assertEquals(id.hashCode(), ProtocolId.parse("layer1.dense").hashCode());
        assertNotEquals(id, id.child("x"));
    }

    @Test
    void invalidSegmentsAreRefusedWithTheCause() {
        for (String bad : new String[] {"", "a..b", ".a", "a.", "a b", "a/b", "é", "x".repeat(49)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProtocolId.parse(bad),
                    "'" + bad + "'");
            assertTrue(e.getMessage().contains("protocol id"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ProtocolId.of("a", "b.c"));
        assertThrows(IllegalArgumentException.class, () -> ProtocolId.of("a").child(""));
        assertThrows(IllegalArgumentException.class, () -> ProtocolId.of("a").under("x y"));
        assertThrows(NullPointerException.class, () -> ProtocolId.parse(null));
        ProtocolId longest = ProtocolId.parse(
                String.join(".", "a".repeat(48), "b".repeat(48), "c".repeat(48), "d".repeat(13)));
        assertEquals(ProtocolId.MAX_LENGTH, longest.name().length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> longest.child("e"));
        assertTrue(e.getMessage().contains("longer than 160"), e.getMessage());
    }

    @Test
    void labelsSeparateIdsAndDomains() {
        ProtocolId a = ProtocolId.parse("x.y");
        assertEquals(32, a.label("d").length);
        assertArrayEquals(a.label("d"), ProtocolId.of("x", "y").label("d"));
        assertFalse(java.util.Arrays.equals(a.label("d"), a.label("e")));
        assertFalse(java.util.Arrays.equals(a.label("d"), ProtocolId.parse("x.z").label("d")));
        // the domain is length-prefixed: ("d", "x.y") and ("dx", ...) cannot collide by concatenation
        assertFalse(java.util.Arrays.equals(ProtocolId.parse("xy").label("d"), ProtocolId.parse("y").label("dx")));
    }
}
