package org.securetrain.bench.profiling;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The HE stage rules name methods that exist, so a rename cannot silently empty a stage of the table. */
class JfrHotMethodsTest {
    private static final String[] PACKAGES = {"org.securetrain.crypto.he.", "org.securetrain.protocols."};

    @Test
    void everyStageRuleNamesAnExistingMethod() {
        for (String[] rule : JfrHotMethods.HE_STAGES) {
            for (String part : rule[1].split(">")) {
                int dot = part.lastIndexOf('.');
                String simpleClass = part.substring(0, dot);
                String method = part.substring(dot + 1); // empty: any method of the class
                Class<?> c = find(simpleClass);
                assertNotNull(c, rule[0] + ": no class " + simpleClass);
                assertTrue(Arrays.stream(c.getDeclaredMethods()).anyMatch(m -> m.getName().startsWith(method)),
                        rule[0] + ": no method " + part);
            }
        }
    }

    private static Class<?> find(String simpleClass) {
        for (String pkg : PACKAGES) {
            try {
                return Class.forName(pkg + simpleClass);
            } catch (ClassNotFoundException e) {
                // try the next package
            }
        }
        return null;
    }
}
