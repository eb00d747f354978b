// Test helper: synthetic classification data with a known distribution. Labels are drawn from
// softmax(logits), so softmax(logits) is perfectly calibrated and softmax(t·logits) with t > 1 is over-confident.
import { normalRandom, seededRandom } from "../../../kernel/src/eo/uncertainty/random.js";

export interface Synthetic {
  logits: number[][];
  probs: number[][];
  labels: number[];
}

export function softmaxRows(z: number[][], t = 1): number[][] {
  return z.map((r) => {
    const m = Math.max(...r.map((v) => v * t));
    const e = r.map((v) => Math.exp(v * t - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
}

export function synthetic(n: number, k: number, seed: number, scale = 1.5): Synthetic {
  const rand = seededRandom(seed);
  const norm = normalRandom(rand);
  const logits = Array.from({ length: n }, () => Array.from({ length: k }, () => scale * norm()));
  const probs = softmaxRows(logits);
  const labels = probs.map((p) => {
    let u = rand();
    for (let j = 0; j < k; j++) {
      u -= p[j]!;
      if (u < 0) return j;
    }
    return k - 1;
  });
  return { logits, probs, labels };
}
