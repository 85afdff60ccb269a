package org.securetrain.dl4j;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.securetrain.layermath.SgdConfig;
import org.securetrain.runtime.SessionOptions;

/**
 * The readable summary of a training configuration, built from the same JSON as the configuration hash: "layers"
 * (each layer's type and sizes), "fracBits", "constantBits", then every value of the JSON under a readable path
 * ({@code confs[0].layer.iupdater.learningRate} becomes {@code layer 0 iupdater.learningRate}). Parties whose
 * hashes differ exchange it to name the settings that differ; it holds configuration only, which both parties
 * must share anyway.
 */
final class ConfigurationSummary {
    private static final Pattern LAYER_PATH = Pattern.compile("^confs\\[(\\d+)]\\.(?:layer\\.)?(.*)$");

    private ConfigurationSummary() {
    }

    /** From the hashed JSON of {@link SecureConfigurations#hashedJson} and the fixed-point bits. */
    static Map<String, String> of(String hashedJson, int fracBits) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(hashedJson);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read DL4J's own configuration JSON", e);
        }
        JsonNode confs = root.path("confs");
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < confs.size(); i++) {
            JsonNode layer = confs.get(i).path("layer");
            String cls = layer.path("@class").asText("?");
            layers.add(cls.substring(cls.lastIndexOf('.') + 1) + "(" + layer.path("nin").asText("?") + "->"
                    + layer.path("nout").asText("?") + ")");
        }
        out.put("layers", String.join(", ", layers));
        out.put("fracBits", Integer.toString(fracBits));
        out.put("constantBits", Integer.toString(SgdConfig.CONSTANT_BITS));
        flatten(root, "", out);
        // the session bounds a summary's size: a larger configuration keeps its first fields (the layers first)
        Map<String, String> bounded = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : out.entrySet()) {
            if (bounded.size() == SessionOptions.MAX_SUMMARY_FIELDS) {
                break;
            }
            String v = e.getValue();
            bounded.put(e.getKey(), v.length() > SessionOptions.MAX_SUMMARY_VALUE
                    ? v.substring(0, SessionOptions.MAX_SUMMARY_VALUE) : v);
        }
        return bounded;
    }

    private static void flatten(JsonNode n, String path, Map<String, String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> flatten(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(),
                    out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(n.get(i), path + "[" + i + "]", out);
            }
        } else {
            Matcher m = LAYER_PATH.matcher(path);
            out.put(m.matches() ? "layer " + m.group(1) + " " + m.group(2) : path, n.asText());
        }
    }
}
