package org.securetrain.samples;

import org.securetrain.launcher.Models;

/**
 * Sample 2: a LeNet-style CNN (conv 5x5 - ReLU - max-pool 2x2 - conv 5x5 - ReLU - max-pool 2x2 - dense -
 * softmax) trained by both parties in this JVM over TLS, compared with plaintext DL4J. Secure convolutions
 * are im2col + HE products and every ReLU and max-pool window is a garbled circuit, so a step costs far more
 * than an MLP step: the default run is small (256 images, batch 32, narrow layers = 8 steps). Measured on
 * the shared 2-core machine: about 6-8.5 s per step (1.3 GiB sent by the model owner per step), 71 s in all;
 * 8 steps are a timing demonstration, not enough to learn much (secure and plaintext both reach ~15 %; the
 * point is that they agree). Raise {@code train=} and {@code epochs=} for accuracy.
 *
 * <p>Options ({@code key=value}): {@code train=256 test=1000 batch=32 epochs=1 c1=4 c2=8 dense=32 lr=0.01
 * fracBits=24 link=loopback} ({@code link=}: a simulated link, see the MLP sample).
 */
public final class FashionMnistCnn {
    private FashionMnistCnn() {
    }

    public static void main(String[] args) {
        SampleArgs a = new SampleArgs(args);
        int train = a.integer("train", 256);
        int test = a.integer("test", 1000);
        int batch = a.integer("batch", 32);
        int epochs = a.integer("epochs", 1);
        int c1 = a.integer("c1", 4);
        int c2 = a.integer("c2", 8);
        int dense = a.integer("dense", 32);
        double lr = a.real("lr", 0.01);
        int f = a.integer("fracBits", 24);
        var link = a.link("link");
        a.done();
        FashionMnistMlp.run("LeNet-style CNN conv5x5(" + c1 + ")-pool-conv5x5(" + c2 + ")-pool-dense(" + dense + ")-10",
                Models.cnn(c1, c2, dense, lr, 7), f, link, train, test, batch, epochs, null);
    }
}
