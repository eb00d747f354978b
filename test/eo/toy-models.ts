// Tiny deterministic models for tests of the uncertainty and explanation methods (no onnxruntime).
import type { Tensor } from "../../kernel/src/eo/model/tensor.js";

/** N×C×H×W → N×2×H×W: band 0 and its negation per pixel (a dense, segmentation-like model). */
export const bandZeroAndNegation = {
  async predict(x: Tensor): Promise<Tensor> {
    const [N, C, H, W] = x.dims as [number, number, number, number];
    const out = new Float32Array(N * 2 * H * W);
    for (let n = 0; n < N; n++) for (let p = 0; p < H * W; p++) {
      out[n * 2 * H * W + p] = x.data[n * C * H * W + p]!;
      out[(n * 2 + 1) * H * W + p] = -x.data[n * C * H * W + p]!;
    }
    return { data: out, dims: [N, 2, H, W] };
  },
};

/** N×C×H×W → N×3 logits from the item mean m: [m, −m, 2m] (a patch classifier). */
export const itemMeanClassifier = {
  async predict(x: Tensor): Promise<Tensor> {
    const [N] = x.dims as [number];
    const P = x.data.length / N;
    const out = new Float32Array(N * 3);
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let i = 0; i < P; i++) s += x.data[n * P + i]!;
      out.set([s / P, -s / P, (2 * s) / P], n * 3);
    }
    return { data: out, dims: [N, 3] };
  },
};
