package org.securetrain.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.securetrain.protocols.nonlinear.ReluTruncationOt;

class NonlinearSettingsTest {
    @Test
    void parsesTheLauncherSpellingAndWritesEverySettingOut() {
        assertEquals(NonlinearSettings.of(NonlinearEngine.GC), NonlinearSettings.parse("gc"));
        assertEquals(NonlinearSettings.defaults(), NonlinearSettings.parse("OT"));
        NonlinearSettings s = NonlinearSettings.parse("ot,relu=faithful,radix=3,cots=iknp");
        assertEquals(ReluTruncationOt.Mode.FAITHFUL, s.reluTruncation());
        assertEquals(3, s.radix());
        assertEquals(NonlinearSettings.CotSource.IKNP, s.cotSource());
        assertEquals(s, NonlinearSettings.parse(s.spec()));
        assertEquals("ot,relu=faithful,radix=3,cots=iknp", s.spec());
        assertNotEquals(NonlinearSettings.defaults().configString(), s.configString());
        assertEquals("nonlinear=gc", NonlinearSettings.parse("gc").configString());
    }

    @Test
    void badSpellingsNameTheCause() {
        for (String bad : new String[] {"", "garbled", "gc,radix=4", "ot,radix=9", "ot,relu=round", "ot,cots=base",
            "ot,speed=fast"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NonlinearSettings.parse(bad));
            assertTrue(e.getMessage().contains("non-linear"), bad + ": " + e.getMessage());
        }
        assertEquals(NonlinearEngine.GC, NonlinearEngine.parse(" GC "));
        assertThrows(IllegalArgumentException.class, () -> NonlinearEngine.parse(null));
    }
}
