/**
 * The standard normal quantile and the complementary error function (internal helpers of the
 * uncertainty module; not re-exported from "ai4eo").
 * @module
 */
import { UncertaintyInputError } from "./errors.js";

/**
 * Standard normal quantile (Acklam's algorithm, |error| < 1.2e-9 after one Newton step).
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new UncertaintyInputError(`normalQuantile needs p in (0, 1), got ${p}.`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // One Newton refinement with erfc.
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * Complementary error function, accurate to ~1e-15: Taylor series of erf for |x| < 2.5, a
 * continued fraction (modified Lentz) beyond.
 * @example
 * ```ts
 * erfc(0.5); // 0.4795001221869535
 * ```
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  if (z < 2.5) {
    let term = z, sum = z;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    const erf = (2 / Math.sqrt(Math.PI)) * sum;
    return x >= 0 ? 1 - erf : 1 + erf;
  }
  // erfc(z) = exp(-z²)/√π · 1/(z + 1/2/(z + 1/(z + 3/2/(z + …))))
  const tiny = 1e-300;
  let f = z, C = z, D = 0;
  for (let n = 1; n < 300; n++) {
    const a = n / 2;
    D = z + a * D;
    D = Math.abs(D) < tiny ? tiny : D;
    C = z + a / C;
    C = Math.abs(C) < tiny ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const r = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  return x >= 0 ? r : 2 - r;
}
