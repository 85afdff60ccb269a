package org.securetrain.launcher.ui;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;
import org.deeplearning4j.ui.VertxUIServer;

/**
 * DL4J's UI server (all its modules, pages and assets unchanged) listening on one chosen address and port
 * instead of every interface. DL4J 1.0.0-M2.1 offers no bind-address setting: {@code VertxUIServer.start}
 * calls {@code vertx.createHttpServer()...listen(port, handler)}, which binds 0.0.0.0. This subclass hands
 * the verticle a {@link Vertx} whose {@code createHttpServer()} returns a server whose {@code listen(port,
 * handler)} becomes {@code listen(ourPort, ourHost, handler)}; everything else is passed through unchanged.
 *
 * <p>Like every {@link VertxUIServer}, constructing one makes it DL4J's singleton instance, which DL4J's
 * train module looks up.
 */
final class LoopbackUiServer extends VertxUIServer {
    private final String host;
    private final int port;

    LoopbackUiServer(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    public void init(Vertx vertx, Context context) {
        super.init(bindingTo(vertx, host, port), context);
    }

    /** A view of {@code vertx} whose HTTP servers listen on {@code host:port}. */
    private static Vertx bindingTo(Vertx vertx, String host, int port) {
        InvocationHandler h = (proxy, m, args) -> {
            Object r = invoke(vertx, m, args);
            if (m.getName().equals("createHttpServer") && r instanceof HttpServer s) {
                return serverBindingTo(s, host, port);
            }
            return r == vertx ? proxy : r;
        };
        return (Vertx) Proxy.newProxyInstance(Vertx.class.getClassLoader(), interfaces(vertx.getClass()), h);
    }

    private static HttpServer serverBindingTo(HttpServer server, String host, int port) {
        InvocationHandler h = (proxy, m, args) -> {
            Class<?>[] p = m.getParameterTypes();
            if (m.getName().equals("listen") && p.length == 2 && p[0] == int.class && p[1] == Handler.class) {
                server.listen(port, host, cast(args[1]));
                return proxy;
            }
            if (m.getName().equals("listen") && p.length >= 1 && p[0] == int.class) {
                throw new UnsupportedOperationException("the loopback UI server binds only through listen(int, Handler)");
            }
            Object r = invoke(server, m, args);
            return r == server ? proxy : r;
        };
        return (HttpServer) Proxy.newProxyInstance(HttpServer.class.getClassLoader(), interfaces(server.getClass()), h);
    }

    @SuppressWarnings("unchecked")
    private static <T> Handler<T> cast(Object h) {
        return (Handler<T>) h;
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Class<?>[] interfaces(Class<?> c) {
        Set<Class<?>> all = new LinkedHashSet<>();
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                if (java.lang.reflect.Modifier.isPublic(i.getModifiers())) {
                    all.add(i);
                }
            }
        }
        return all.toArray(new Class<?>[0]);
    }
}
