package org.securetrain.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.securetrain.ring.FixedPoint;

/**
 * What a secure context can rely on when it verifies a backend by type: the backend kinds are closed, and a
 * decorator cannot replace an operation or claim to be something else than what it wraps.
 */
class BackendHierarchyTest {

    @Test
    void backendIsSealedToTheRealBackendTheReferenceAndDecorators() {
        assertTrue(Backend.class.isSealed());
        Set<Class<?>> permitted = Arrays.stream(Backend.class.getPermittedSubclasses()).collect(Collectors.toSet());
        assertEquals(Set.of(TwoPartyBackend.class, InsecurePlaintextBackend.class, ForwardingBackend.class), permitted);
        assertTrue(Modifier.isFinal(TwoPartyBackend.class.getModifiers()));
        assertTrue(Modifier.isFinal(InsecurePlaintextBackend.class.getModifiers()));
    }

    @Test
    void aDecoratorCannotReplaceAnyOperation() throws NoSuchMethodException {
        for (Method m : Backend.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method f = ForwardingBackend.class.getMethod(m.getName(), m.getParameterTypes());
            assertEquals(ForwardingBackend.class, f.getDeclaringClass(), m.getName() + " must be forwarded here");
            assertTrue(Modifier.isFinal(f.getModifiers()), m.getName() + " must be final in ForwardingBackend, so that "
                    + "a decorator always runs the wrapped backend's protocol");
        }
    }

    @Test
    void aBackendThatOpensEverythingAndClaimsToBeSecureCannotBeMade() {
        // a dynamic proxy would let any code answer "not insecure" while computing in the clear: refused by the JDK
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Backend.class}, (p, m, a) -> {
                    throw new UnsupportedOperationException("opens every value");
                }));
        assertTrue(e.getMessage().contains("sealed"), e.getMessage());
        // the only way to compute in the clear is the reference; decorated, it still is the reference
        Backend decorated = new ForwardingBackend(new InsecurePlaintextBackend(FixedPoint.of(16))) {
        };
        assertTrue(decorated.isInsecureReference());
        assertTrue(ForwardingBackend.innermost(decorated) instanceof InsecurePlaintextBackend);
    }
}
