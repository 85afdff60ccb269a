package org.securetrain.layers;

import static org.junit.jupiter.api.Assertions.*;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.securetrain.layermath.SgdConfig;
import org.securetrain.layers.core.SecureUpdaters;
import org.securetrain.layers.core.Shares;
import org.securetrain.layers.ops.DenseOp;

/** Pieces of the layers package that need no DL4J training run. */
class SecureLayersUnitTest {

    @Test
    void sharesCrossIntoAndOutOfDl4jExactlyIncludingViews() {
        long[] v = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 0x123456789ABCDEFL, -0x0FEDCBA987654321L, 42};
        INDArray a = Shares.toIndArray(v, 2, 4);
        assertEquals(DataType.LONG, a.dataType());
        assertArrayEquals(v, Shares.toLongs(a, "t"));
        // a transposed (f-order) view and a row view come out in C order of their logical shape
        INDArray t = a.transpose();
        long[] tv = Shares.toLongs(t, "t");
        assertEquals(v[1], tv[2]); // t[1][0] = a[0][1]
        assertArrayEquals(new long[] {v[4], v[5], v[6], v[7]}, Shares.toLongs(a.getRow(1), "row"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shares.toLongs(Nd4j.zeros(DataType.DOUBLE, 2, 2), "layer 3 (X)"));
        assertTrue(e.getMessage().startsWith("layer 3 (X): expected this party's share as a LONG array"), e.getMessage());
    }

    @Test
    void secureReluIsNeverAppliedByDl4j() {
        SecureReLU r = new SecureReLU();
        assertThrows(UnsupportedOperationException.class, () -> r.getActivation(Nd4j.ones(2), true));
        assertThrows(UnsupportedOperationException.class, () -> r.backprop(Nd4j.ones(2), Nd4j.ones(2)));
        assertEquals(new SecureReLU(), r);
    }

    @Test
    void onlyLinearUpdatersMapToTheSecureStep() {
        assertEquals(SgdConfig.sgd(0.1), SecureUpdaters.toSgdConfig(new Sgd(0.1), "l"));
        assertEquals(SgdConfig.nesterov(0.1, 0.8), SecureUpdaters.toSgdConfig(new Nesterovs(0.1, 0.8), "l"));
        assertNull(SecureUpdaters.toSgdConfig(new NoOp(), "l"));
        assertNull(SecureUpdaters.whyUnsupported(new Adam()));
        assertNull(SecureUpdaters.whyUnsupported(new org.nd4j.linalg.learning.config.AdaDelta()));
        assertTrue(SecureUpdaters.whyUnsupported(new org.nd4j.linalg.learning.config.AdaBelief()).contains("AdaBelief"));
        assertTrue(SecureUpdaters.whyUnsupported(new Adam(1e-3, 0.99, 0.9, 1e-8)).contains("beta1^2 < beta2"));
        // schedules are public functions of the counters (issue 15): evaluated at each step
        Sgd scheduled = new Sgd(new ExponentialSchedule(ScheduleType.ITERATION, 0.1, 0.9));
        assertNull(SecureUpdaters.whyUnsupported(scheduled));
        assertEquals(SgdConfig.sgd(0.1 * 0.9 * 0.9), SecureUpdaters.sgdConfigAt(scheduled, 2, 0, "l"));
        // every output activation and loss is computed by the label owner with DL4J's code (issue 15)
        assertNull(SecureOutputLayer.whyUnsupported(new ActivationSoftmax(), new LossMCXENT()));
        assertNull(SecureOutputLayer.whyUnsupported(new ActivationSoftmax(), new LossMSE()));
        assertNotNull(SecureOutputLayer.whyUnsupported(new ActivationSoftmax(), null));
    }

    /** A secure configuration built by hand (no rewriting): JSON/YAML round trip, DL4J init, NoOp updater. */
    @Test
    void handBuiltSecureConfigurationRoundTripsAndInitialises() {
        SecureDenseLayer d = new SecureDenseLayer();
        d.setNIn(4);
        d.setNOut(5);
        d.setActivationFn(new SecureReLU());
        SecureOutputLayer o = new SecureOutputLayer();
        o.setNIn(5);
        o.setNOut(3);
        o.setActivationFn(new ActivationSoftmax());
        o.setLossFn(new LossMCXENT());
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Nesterovs(0.1, 0.9))
                .dataType(DataType.DOUBLE).list().layer(d).layer(o).build();
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
        assertEquals(conf, MultiLayerConfiguration.fromYaml(conf.toYaml()));
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertInstanceOf(DenseOp.class, assertInstanceOf(SecureLayerImpl.class, net.getLayer(0)).core().op());
        assertInstanceOf(SecureOutputLayerImpl.class, net.getLayer(1));
        assertEquals(4 * 5 + 5 + 5 * 3 + 3, net.numParams());
        // DL4J sees NoOp updaters (no updater state), the configuration keeps Nesterovs for the secure step
        assertEquals(0, net.getUpdater().getStateViewArray() == null ? 0 : net.getUpdater().getStateViewArray().length());
        assertEquals(new Nesterovs(0.1, 0.9), ((SecureDenseLayer) net.getLayerWiseConfigurations().getConf(0).getLayer())
                .getIUpdater());
        // without a context the layers refuse to compute, with a clear message
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> net.output(Shares.toIndArray(new long[8], 2, 4)));
        assertTrue(e.getMessage().contains("no SecurePartyContext attached"), e.getMessage());
    }
}
