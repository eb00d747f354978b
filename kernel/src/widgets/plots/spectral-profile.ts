/**
 * Spectral profile: value per band against the band's wavelength.
 * @module
 */
import { WidgetPropertyError } from "../errors.js";
import { Figure, TRACE_COLORS } from "../figure.js";
import { isValid, type BandSource } from "./band-source.js";

/** One spectrum: a name and one value per band. */
export interface Spectrum {
  name: string;
  values: ArrayLike<number>;
}

/** Options of {@link spectralProfile}. */
export interface SpectralProfileOptions {
  /** Centre wavelength of each band in nanometres (same order as the values). Required. */
  wavelengths: readonly number[];
  /** Band names shown on hover; default "band i". */
  bandNames?: readonly string[];
  /** Plot title; default "Spectral profile". */
  title?: string;
  /** y-axis title; default "reflectance". */
  yTitle?: string;
}

/**
 * The spectrum of one pixel of a raster (all bands at `row`, `col`), with nodata as `NaN`.
 * @example
 * ```ts
 * const s = pixelSpectrum(raster, 120, 88, "mangrove");
 * ```
 */
export function pixelSpectrum(src: BandSource, row: number, col: number, name = `pixel (${row}, ${col})`): Spectrum {
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= src.height || col >= src.width) {
    throw new WidgetPropertyError("pixelSpectrum", "row/col", `a pixel inside the ${src.width}×${src.height} raster`, [row, col]);
  }
  const values = new Float64Array(src.count);
  for (let b = 1; b <= src.count; b++) {
    const v = src.band(b)[row * src.width + col]!;
    values[b - 1] = isValid(v, src.nodata[b - 1]) ? v : NaN;
  }
  return { name, values };
}

/**
 * Spectral profiles: one line per spectrum, value against band wavelength (nm), points sorted by
 * wavelength. Nodata/NaN values leave a gap.
 * @example
 * ```ts
 * // Landsat 7 ETM+ bands 1-5 and 7
 * spectralProfile([pixelSpectrum(r, 10, 20, "water"), pixelSpectrum(r, 200, 150, "forest")],
 *                 { wavelengths: [485, 560, 660, 835, 1650, 2220], bandNames: ["B1", "B2", "B3", "B4", "B5", "B7"] });
 * ```
 */
export function spectralProfile(spectra: readonly Spectrum[], options: SpectralProfileOptions): Figure<{ order: number[] }> {
  const wl = options.wavelengths;
  if (!Array.isArray(wl) || wl.some((w) => !Number.isFinite(w))) {
    throw new WidgetPropertyError("spectralProfile", "wavelengths", "a list of finite wavelengths in nm", wl);
  }
  spectra.forEach((s, i) => {
    if (s.values.length !== wl.length) {
      throw new WidgetPropertyError("spectralProfile", `spectra[${i}].values`, `${wl.length} values (one per wavelength)`, s.values);
    }
  });
  const order = wl.map((_, i) => i).sort((a, b) => wl[a]! - wl[b]!);
  const names = order.map((i) => options.bandNames?.[i] ?? `band ${i + 1}`);
  const data = spectra.map((s, j) => ({
    type: "scatter", mode: "lines+markers", name: s.name,
    x: Float64Array.from(order, (i) => wl[i]!),
    y: Float64Array.from(order, (i) => s.values[i]!),
    text: names, line: { color: TRACE_COLORS[j % TRACE_COLORS.length] },
    hovertemplate: "%{text} (%{x} nm): %{y}<extra>%{fullData.name}</extra>",
  }));
  return new Figure({
    data,
    layout: {
      title: { text: options.title ?? "Spectral profile" },
      xaxis: { title: { text: "wavelength (nm)" } }, yaxis: { title: { text: options.yTitle ?? "reflectance" } },
      margin: { t: 48, r: 16, b: 48, l: 64 },
    },
  }, { order });
}
