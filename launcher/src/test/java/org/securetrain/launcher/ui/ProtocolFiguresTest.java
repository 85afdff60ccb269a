package org.securetrain.launcher.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.securetrain.backend.KernelTimings;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;

/** The figures' three renderings carry the same numbers, skip empty steps and escape names. */
class ProtocolFiguresTest {
    static ProtocolFigures sample() {
        Map<String, Traffic> steps = new TreeMap<>();
        steps.put("he.matmul.cross", new Traffic(14_063_640, 5_920_152, 24, 24, 24));
        steps.put("gc.tables", new Traffic(7_250_084, 0, 4, 0, 4));
        steps.put(TrafficStats.UNATTRIBUTED, Traffic.ZERO);
        steps.put("odd<\"name\">", new Traffic(1, 2, 1, 1, 1));
        Traffic total = steps.values().stream().reduce(Traffic.ZERO, Traffic::plus);
        var snap = new TrafficStats.Snapshot(total, Map.of(), steps);
        return new ProtocolFigures(Role.MODEL_OWNER, 4, 6.5, snap,
                Map.of(KernelTimings.Kind.HE_PRODUCT, new ProtocolFigures.KernelTime(20, 4.18),
                        KernelTimings.Kind.RELU_GC, new ProtocolFigures.KernelTime(4, 0.588)));
    }

    @Test
    void tableHtmlAndJsonAgree() {
        ProtocolFigures f = sample();
        String table = f.table();
        assertTrue(table.contains("4 training steps in 6.5 s"), table);
        assertTrue(table.matches("(?s).*HE_PRODUCT\\s+20\\s+4\\.180\\s+209\\.00.*"), table);
        assertTrue(table.matches("(?s).*he\\.matmul\\.cross\\s+13\\.4 MiB\\s+5\\.6 MiB\\s+48\\s+24.*"), table);
        assertFalse(table.contains(TrafficStats.UNATTRIBUTED), "steps without traffic are left out: " + table);

        String html = f.html();
        assertTrue(html.contains("<tr><td>he.matmul.cross</td><td>14063640</td><td>5920152</td><td>48</td><td>24</td></tr>"),
                html);
        assertTrue(html.contains("odd&lt;&quot;name&quot;&gt;") && !html.contains("odd<"), html);
        assertTrue(html.contains("Model owner (party 0)"), html);

        JsonObject j = new JsonObject(f.json());
        assertEquals("MODEL_OWNER", j.getString("role"));
        assertEquals(4, j.getInteger("iterations"));
        assertEquals(20, j.getJsonObject("kernels").getJsonObject("HE_PRODUCT").getLong("calls"));
        assertEquals(0.588, j.getJsonObject("kernels").getJsonObject("RELU_GC").getDouble("seconds"), 1e-9);
        assertEquals(7_250_084, j.getJsonObject("steps").getJsonObject("gc.tables").getLong("bytesSent"));
        assertEquals(1, j.getJsonObject("steps").getJsonObject("odd<\"name\">").getLong("bytesSent"));
        assertEquals(14_063_640 + 7_250_084 + 1, j.getJsonObject("total").getLong("bytesSent"));
    }
}
