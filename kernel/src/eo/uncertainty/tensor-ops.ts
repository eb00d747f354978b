/**
 * Small tensor helpers on the batch axis (axis 0) and on the two trailing spatial axes, used by
 * the predictive-distribution and explainability code to batch forward passes.
 * @module
 */
import type { Tensor } from "../model/tensor.js";
import { UncertaintyInputError } from "./errors.js";
import { describeValue } from "../../util/describe-value.js";

/**
 * Number of values in one item of the batch (product of dims after the first).
 * @example
 * ```ts
 * itemSize({ data: new Float32Array(24), dims: [2, 3, 2, 2] }); // 12
 * ```
 */
export function itemSize(t: Tensor): number {
  return t.dims.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * Concatenates tensors along axis 0; all must have the same trailing dims.
 * @example
 * ```ts
 * concatBatch([{ data: new Float32Array([1]), dims: [1, 1] }, { data: new Float32Array([2]), dims: [1, 1] }]).dims; // [2, 1]
 * ```
 */
export function concatBatch(tensors: readonly Tensor[]): Tensor {
  if (tensors.length === 0) throw new UncertaintyInputError("concatBatch needs at least one tensor.");
  const tail = tensors[0]!.dims.slice(1);
  let n = 0;
  for (const t of tensors) {
    if (t.dims.length !== tail.length + 1 || t.dims.slice(1).some((d, i) => d !== tail[i])) {
      throw new UncertaintyInputError(`Cannot batch tensors of dims [${tensors[0]!.dims.join(", ")}] and [${t.dims.join(", ")}].`);
    }
    n += t.dims[0]!;
  }
  const out = new Float32Array(n * tail.reduce((a, b) => a * b, 1));
  let off = 0;
  for (const t of tensors) {
    out.set(t.data, off);
    off += t.data.length;
  }
  return { data: out, dims: [n, ...tail] };
}

/**
 * Items `start .. start+count-1` of a batch (a view, no copy).
 * @example
 * ```ts
 * sliceBatch({ data: new Float32Array([1, 2, 3]), dims: [3, 1] }, 1, 2).data; // [2, 3]
 * ```
 */
export function sliceBatch(t: Tensor, start: number, count: number): Tensor {
  const sz = itemSize(t);
  return { data: t.data.subarray(start * sz, (start + count) * sz), dims: [count, ...t.dims.slice(1)] };
}

/**
 * Most values {@link repeatBatch} makes: 2^28 float32 values, 1 GiB (as `MAX_MC_SAMPLE_VALUES`).
 * {@link mcDropout} repeats its batch at most this far and runs more passes instead.
 */
export const MAX_REPEAT_VALUES = 2 ** 28;

/**
 * The batch repeated `times` times along axis 0 (item order: all of copy 0, then copy 1, …).
 * @param times whole number of copies ≥ 1, with `times × t.data.length` ≤ {@link MAX_REPEAT_VALUES}
 * @throws {UncertaintyInputError} when `times` is not a whole number ≥ 1, or the result would hold
 *   more than {@link MAX_REPEAT_VALUES} values (naming the sizes and what to do)
 * @example
 * ```ts
 * repeatBatch({ data: new Float32Array([1, 2]), dims: [2, 1] }, 2).data; // [1, 2, 1, 2]
 * ```
 */
export function repeatBatch(t: Tensor, times: number): Tensor {
  if (typeof times !== "number" || !Number.isInteger(times) || times < 1) {
    throw new UncertaintyInputError(`repeatBatch: times must be a whole number of copies ≥ 1, got ${describeValue(times)}.`, { times });
  }
  const values = t.data.length * times;
  if (values > MAX_REPEAT_VALUES) {
    const items = t.dims[0]!, perItem = itemSize(t);
    const fit = Math.floor(MAX_REPEAT_VALUES / t.data.length);
    throw new UncertaintyInputError(
      `repeatBatch: ${times} copies of a batch of ${items} item${items === 1 ? "" : "s"} × ${perItem} values need ${values} values ` +
        `(${((values * 4) / 2 ** 30).toFixed(1)} GiB of float32), more than MAX_REPEAT_VALUES = ${MAX_REPEAT_VALUES} (1 GiB); ` +
        (fit >= 1 ? `repeat at most ${fit} times (fewer samples per pass: a smaller maxBatch), or ` : "") +
        `pass a smaller batch (fewer or smaller items).`,
      { times, items, perItem, values, bytes: values * 4, budget: MAX_REPEAT_VALUES * 4 },
    );
  }
  const out = new Float32Array(values);
  for (let r = 0; r < times; r++) out.set(t.data, r * t.data.length);
  return { data: out, dims: [t.dims[0]! * times, ...t.dims.slice(1)] };
}

/** Geometric test-time augmentations of the two trailing (H, W) axes. */
export type Augmentation = "identity" | "hflip" | "vflip" | "rot90" | "rot180" | "rot270" | "transpose";

/**
 * All augmentations of the dihedral group D4 except transpose-combinations: the default TTA set.
 * @example
 * ```ts
 * await testTimeAugmentation(model, x, { augmentations: DEFAULT_AUGMENTATIONS });
 * ```
 */
export const DEFAULT_AUGMENTATIONS: readonly Augmentation[] = ["identity", "hflip", "vflip", "rot90", "rot180", "rot270"];

const AUGMENTATIONS: readonly Augmentation[] = ["identity", "hflip", "vflip", "rot90", "rot180", "rot270", "transpose"];

/**
 * Checks an augmentation name.
 * @throws {UncertaintyInputError} listing the known names.
 * @example
 * ```ts
 * checkAugmentation("hflip"); // ok
 * checkAugmentation("flip"); // throws
 * ```
 */
export function checkAugmentation(a: unknown): asserts a is Augmentation {
  if (!AUGMENTATIONS.includes(a as Augmentation)) {
    throw new UncertaintyInputError(`Unknown augmentation ${JSON.stringify(a) ?? String(a)}: use one of ${AUGMENTATIONS.map((x) => `"${x}"`).join(", ")}.`, { augmentation: a });
  }
}

/**
 * The augmentation that undoes `a`.
 * @example
 * ```ts
 * inverseAugmentation("rot90"); // "rot270"
 * ```
 */
export function inverseAugmentation(a: Augmentation): Augmentation {
  return a === "rot90" ? "rot270" : a === "rot270" ? "rot90" : a;
}

/**
 * Applies an augmentation to the two trailing axes of a tensor (`…×H×W`). Rotations are
 * counter-clockwise as in `numpy.rot90(x, k, axes=(-2, -1))`; rot90/rot270/transpose swap H and W.
 * @example
 * ```ts
 * augment({ data: new Float32Array([1, 2, 3, 4]), dims: [1, 1, 2, 2] }, "hflip").data; // [2, 1, 4, 3]
 * ```
 */
export function augment(t: Tensor, a: Augmentation): Tensor {
  checkAugmentation(a);
  const dims = t.dims;
  if (dims.length < 2) throw new UncertaintyInputError(`Augmentations need …×H×W tensors, got dims [${dims.join(", ")}].`);
  const H = dims[dims.length - 2]!;
  const W = dims[dims.length - 1]!;
  const lead = dims.slice(0, -2);
  const planes = t.data.length / (H * W);
  if (a === "identity") return { data: t.data.slice(), dims: [...dims] };
  const swap = a === "rot90" || a === "rot270" || a === "transpose";
  const oH = swap ? W : H;
  const oW = swap ? H : W;
  const out = new Float32Array(t.data.length);
  for (let pl = 0; pl < planes; pl++) {
    const b = pl * H * W;
    for (let i = 0; i < oH; i++) {
      for (let j = 0; j < oW; j++) {
        let si: number, sj: number;
        switch (a) {
          case "hflip": si = i; sj = W - 1 - j; break;
          case "vflip": si = H - 1 - i; sj = j; break;
          case "rot180": si = H - 1 - i; sj = W - 1 - j; break;
          // np.rot90 (k=1): out[i, j] = in[j, W-1-i]
          case "rot90": si = j; sj = W - 1 - i; break;
          // k=3: out[i, j] = in[H-1-j, i]
          case "rot270": si = H - 1 - j; sj = i; break;
          default: si = j; sj = i; break; // transpose
        }
        out[b + i * oW + j] = t.data[b + si * W + sj]!;
      }
    }
  }
  return { data: out, dims: [...lead, oH, oW] };
}
