package org.securetrain.dl4j.checkpoint;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One party's secret state of a secure network: per layer, its weight and optimiser shares (DL4J parameter
 * keys plus ".velocity"), with the configuration hash and fixed-point bits they belong to; the content of a
 * checkpoint's shares entry. Taken with {@code SecureTrain.exportState(net)}; a clone or a restored network
 * gets it back with {@code SecureTrain.reattach(net, ctx, state)}. A share alone reveals nothing about the
 * weights, but both parties' states together do: store them accordingly.
 */
public final class SecureNetworkState {
    private static final int MAGIC = 0x53545331; // "STS1"

    private final byte[] configHash;
    private final int fracBits;
    private final List<Map<String, long[]>> layers;

    /** A state of the given layers' shares (copied). */
    public static SecureNetworkState of(byte[] configHash, int fracBits, List<Map<String, long[]>> layers) {
        return new SecureNetworkState(configHash, fracBits, layers);
    }

    private SecureNetworkState(byte[] configHash, int fracBits, List<Map<String, long[]>> layers) {
        this.configHash = configHash.clone();
        this.fracBits = fracBits;
        List<Map<String, long[]>> copy = new ArrayList<>();
        for (Map<String, long[]> m : layers) {
            Map<String, long[]> c = new LinkedHashMap<>();
            m.forEach((k, v) -> c.put(k, v.clone()));
            copy.add(Collections.unmodifiableMap(c));
        }
        this.layers = Collections.unmodifiableList(copy);
    }

    public byte[] configHash() {
        return configHash.clone();
    }

    public int fracBits() {
        return fracBits;
    }

    public int numLayers() {
        return layers.size();
    }

    /** Layer {@code i}'s shares (copies). */
    public Map<String, long[]> layer(int i) {
        Map<String, long[]> c = new LinkedHashMap<>();
        layers.get(i).forEach((k, v) -> c.put(k, v.clone()));
        return c;
    }

    public void writeTo(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.write(configHash);
        d.writeInt(fracBits);
        d.writeInt(layers.size());
        for (Map<String, long[]> m : layers) {
            d.writeInt(m.size());
            for (Map.Entry<String, long[]> e : m.entrySet()) {
                d.writeUTF(e.getKey());
                d.writeInt(e.getValue().length);
                for (long v : e.getValue()) {
                    d.writeLong(v);
                }
            }
        }
        d.flush();
    }

    public static SecureNetworkState readFrom(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) {
            throw new IOException("not a SecureTrain network state (bad magic)");
        }
        byte[] hash = new byte[32];
        d.readFully(hash);
        int f = d.readInt();
        int n = d.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("corrupt state: " + n + " layers");
        }
        List<Map<String, long[]>> layers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int entries = d.readInt();
            if (entries < 0 || entries > 64) {
                throw new IOException("corrupt state: layer " + i + " has " + entries + " entries");
            }
            Map<String, long[]> m = new LinkedHashMap<>();
            for (int j = 0; j < entries; j++) {
                String key = d.readUTF();
                int len = d.readInt();
                if (len < 0 || len > Integer.MAX_VALUE - 8) {
                    throw new IOException("corrupt state: layer " + i + " '" + key + "' length " + len);
                }
                long[] v = new long[len];
                for (int k = 0; k < len; k++) {
                    v[k] = d.readLong();
                }
                m.put(key, v);
            }
            layers.add(m);
        }
        return new SecureNetworkState(hash, f, layers);
    }

    @Override
    public String toString() {
        return "SecureNetworkState{layers=" + layers.size() + ", f=" + fracBits + ", hash="
                + Arrays.toString(Arrays.copyOf(configHash, 4)) + "...}";
    }
}
