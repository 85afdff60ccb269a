import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.activations.impl.*;
import org.nd4j.linalg.activations.IActivation;
public class ProbeTest {
  @org.junit.jupiter.api.Test public void probe() {
    double[] xs = {-3, -2.5, -1, -0.5, 0, 0.5, 1, 2.5, 3, 5, 6, 7};
    IActivation[] acts = {new ActivationReLU(6.0, 1.0, 0.1), new ActivationReLU(null, 1.0, null), new ActivationLReLU(0.1), new ActivationReLU6(), new ActivationHardTanH(), new ActivationHardSigmoid(), new ActivationThresholdedReLU(1.0), new ActivationRReLU()};
    for (IActivation act : acts) {
      INDArray x = Nd4j.createFromArray(xs);
      INDArray y = act.getActivation(x.dup(), false);
      INDArray g = act.backprop(x.dup(), Nd4j.onesLike(x)).getFirst();
      System.out.println(act + "\n  y=" + y + "\n  g=" + g);
    }
  }
}
