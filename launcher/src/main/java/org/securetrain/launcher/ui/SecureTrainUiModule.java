package org.securetrain.launcher.ui;

import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.core.storage.StatsStorageEvent;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;
import org.deeplearning4j.ui.api.UIModule;
import org.deeplearning4j.ui.i18n.I18NResource;
import org.securetrain.runtime.Role;

/**
 * A page of DL4J's training UI with the project's own figures: {@code /securetrain} (an HTML table per party
 * that reloads itself every two seconds) and {@code /securetrain/data} (the same as JSON). DL4J's UI server
 * finds it through {@code META-INF/services/org.deeplearning4j.ui.api.UIModule}; the figures come from the
 * {@link TrainingUi} listeners of this process ({@link #publish}), updated after every training step.
 */
public final class SecureTrainUiModule implements UIModule {
    /** The latest figures per party in this process (one UI server per JVM, so one board). */
    private static final Map<Role, ProtocolFigures> BOARD = new ConcurrentSkipListMap<>();

    /** Public no-argument constructor: DL4J's server creates modules through the service loader. */
    public SecureTrainUiModule() {
    }

    static void publish(ProtocolFigures f) {
        BOARD.put(f.role(), f);
    }

    static ProtocolFigures latest(Role r) {
        return BOARD.get(r);
    }

    static void clear() {
        BOARD.clear();
    }

    @Override
    public List<String> getCallbackTypeIDs() {
        return List.of();
    }

    @Override
    public List<Route> getRoutes() {
        return List.of(new Route("/securetrain", HttpMethod.GET, (args, rc) -> page(rc)),
                new Route("/securetrain/data", HttpMethod.GET, (args, rc) -> data(rc)));
    }

    private static void page(RoutingContext rc) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">"
                + "<title>SecureTrain: protocol figures</title><style>"
                + "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin:0.8em 0}"
                + "td,th{border:1px solid #bbb;padding:2px 8px;text-align:right}td:first-child,th:first-child"
                + "{text-align:left}p.caption{font-style:italic;color:#444;margin:0.8em 0 0 0}</style></head><body>\n"
                + "<h1>SecureTrain: protocol figures</h1>\n<p>Cumulative since the session started, refreshed "
                + "after every training step. The loss chart is on <a href=\"/train/overview\">DL4J's overview</a> "
                + "(only where this party may see the loss).</p>\n");
        if (BOARD.isEmpty()) {
            sb.append("<p id=\"waiting\">No training step yet.</p>\n");
        }
        BOARD.values().forEach(f -> sb.append(f.html()));
        sb.append("</body></html>\n");
        rc.response().putHeader("content-type", "text/html; charset=utf-8").end(sb.toString());
    }

    private static void data(RoutingContext rc) {
        StringBuilder sb = new StringBuilder("{\"parties\":[");
        String sep = "";
        for (ProtocolFigures f : BOARD.values()) {
            sb.append(sep).append(f.json());
            sep = ",";
        }
        sb.append("]}");
        rc.response().putHeader("content-type", "application/json").end(sb.toString());
    }

    @Override
    public void reportStorageEvents(Collection<StatsStorageEvent> events) {
        // the figures do not come through DL4J's stats storage
    }

    @Override
    public void onAttach(StatsStorage statsStorage) {
    }

    @Override
    public void onDetach(StatsStorage statsStorage) {
    }

    @Override
    public List<I18NResource> getInternationalizationResources() {
        return List.of();
    }
}
