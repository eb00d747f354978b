/**
 * An approximate transformer in the manner of GDAL's `GDALApproxTransform`: the exact (proj4)
 * transform from an output box to source pixels is evaluated on a coarse grid of points, and pixel
 * centres inside a grid cell are interpolated bilinearly. The grid is checked against the exact
 * transform at the midpoints of every cell's edges and at its centre (as GDAL checks the midpoints
 * of its rows) and refined until the error is within a tolerance, or replaced by the exact transform at every
 * pixel when even a fine grid is not accurate enough (e.g. tiles spanning a pole or the edge of a
 * projection's domain).
 * @module
 */

/** Maps an output-CRS point (e.g. EPSG:3857 metres) to fractional source pixel (col, row). */
export type ToPixel = (x: number, y: number) => readonly [number, number];

/** Options of {@link ApproxPixelGrid.build}. */
export interface ApproxGridOptions {
  /** Grid cells along each side to start with; default 8. */
  cells?: number;
  /** Finest grid tried before evaluating every pixel exactly; default 64 cells per side. */
  maxCells?: number;
}

/**
 * Source pixel coordinates of the pixel centres of a `width × height` output box, from a coarse
 * grid of exact points (or exactly, see {@link ApproxPixelGrid.exact}).
 * @example
 * ```ts
 * const g = ApproxPixelGrid.build([minX, minY, maxX, maxY], 256, 256, (x, y) => pyramid.mercToPixel(x, y));
 * const fine = g.refine(0.125); // ≤ 0.125 source pixels from the exact transform at the checked points
 * const cols = new Float64Array(256), rows = new Float64Array(256);
 * fine.fillRow(0, cols, rows); // the first output row's source (col, row) per pixel centre
 * ```
 */
export class ApproxPixelGrid {
  /** Grid cells per side, or 0 when every pixel is transformed exactly. */
  readonly cells: number;
  /** Largest distance, in source pixels, between interpolated and exact points at the checked cell edge midpoints and centres (0 if exact; Infinity until checked). */
  readonly error: number;
  readonly #box: readonly [number, number, number, number];
  readonly #width: number;
  readonly #height: number;
  readonly #toPixel: ToPixel;
  readonly #gc: Float64Array;
  readonly #gr: Float64Array;
  readonly #maxCells: number;
  /** Per-row scratch: the grid interpolated vertically at the current row. */
  readonly #rc: Float64Array;
  readonly #rr: Float64Array;

  private constructor(box: readonly [number, number, number, number], width: number, height: number, toPixel: ToPixel, cells: number, maxCells: number, error: number) {
    this.#box = box;
    this.#width = width;
    this.#height = height;
    this.#toPixel = toPixel;
    this.#maxCells = maxCells;
    this.cells = cells;
    const gw = cells + 1;
    this.#gc = new Float64Array(cells > 0 ? gw * gw : 0);
    this.#gr = new Float64Array(cells > 0 ? gw * gw : 0);
    this.#rc = new Float64Array(gw);
    this.#rr = new Float64Array(gw);
    const [minX, minY, maxX, maxY] = box;
    for (let j = 0; j <= cells && cells > 0; j++) {
      const y = maxY - ((maxY - minY) * j) / cells;
      for (let i = 0; i <= cells; i++) {
        const [c, r] = toPixel(minX + ((maxX - minX) * i) / cells, y);
        this.#gc[j * gw + i] = c;
        this.#gr[j * gw + i] = r;
      }
    }
    this.error = cells === 0 ? 0 : error;
  }

  /**
   * A grid of `options.cells` (default 8) cells per side over `box` (`[minX, minY, maxX, maxY]`,
   * north up) for an output of `width × height` pixels. Not yet checked: call {@link refine}.
   */
  static build(box: readonly [number, number, number, number], width: number, height: number, toPixel: ToPixel, options: ApproxGridOptions = {}): ApproxPixelGrid {
    const cells = Math.max(1, Math.floor(options.cells ?? 8));
    const maxCells = Math.max(cells, Math.floor(options.maxCells ?? 64));
    return new ApproxPixelGrid(box, width, height, toPixel, cells, maxCells, Infinity);
  }

  /** The exact transform at every pixel centre (no grid). */
  static exact(box: readonly [number, number, number, number], width: number, height: number, toPixel: ToPixel): ApproxPixelGrid {
    return new ApproxPixelGrid(box, width, height, toPixel, 0, 0, 0);
  }

  /** Grid points (cells+1 per side, row-major from the top-left): source columns and rows. */
  get points(): { cols: Float64Array; rows: Float64Array } {
    return { cols: this.#gc, rows: this.#gr };
  }

  /**
   * This grid, or a finer one (cells doubled up to `maxCells`), whose interpolated cell edge
   * midpoints and centres are within `tolerance` source pixels of the exact transform; the exact transform when no grid is.
   * A grid with a non-finite point (outside the projection's domain) goes exact.
   */
  refine(tolerance: number): ApproxPixelGrid {
    let g: ApproxPixelGrid = this;
    for (;;) {
      if (g.cells === 0) return g;
      const err = g.#measure();
      if (err <= tolerance) {
        return err === g.error ? g : new ApproxPixelGrid(g.#box, g.#width, g.#height, g.#toPixel, g.cells, g.#maxCells, err);
      }
      if (!Number.isFinite(err) || g.cells * 2 > g.#maxCells || g.cells * 2 > Math.max(g.#width, g.#height)) {
        return ApproxPixelGrid.exact(g.#box, g.#width, g.#height, g.#toPixel);
      }
      g = new ApproxPixelGrid(g.#box, g.#width, g.#height, g.#toPixel, g.cells * 2, g.#maxCells, Infinity);
    }
  }

  /**
   * Largest error at the midpoints of the cell edges and at the cell centres (Infinity when a point
   * is not finite). Edge midpoints matter: conformal projections (UTM, Mercator) are nearly
   * harmonic, so the bilinear errors along x and y cancel at a cell's centre but not on its edges.
   */
  #measure(): number {
    const G = this.cells, gw = G + 1;
    const [minX, minY, maxX, maxY] = this.#box;
    const gc = this.#gc, gr = this.#gr;
    for (let k = 0; k < gc.length; k++) if (!Number.isFinite(gc[k]!) || !Number.isFinite(gr[k]!)) return Infinity;
    let worst = 0;
    // (u, v) in grid units; the interpolated value is the mean of the grid points a, b, c, d.
    const check = (u: number, v: number, a: number, b: number, c: number, d: number): boolean => {
      const [ec, er] = this.#toPixel(minX + ((maxX - minX) * u) / G, maxY - ((maxY - minY) * v) / G);
      const e = Math.hypot(ec - 0.25 * (gc[a]! + gc[b]! + gc[c]! + gc[d]!), er - 0.25 * (gr[a]! + gr[b]! + gr[c]! + gr[d]!));
      if (!Number.isFinite(e)) return false;
      if (e > worst) worst = e;
      return true;
    };
    for (let j = 0; j <= G; j++) {
      for (let i = 0; i <= G; i++) {
        const k = j * gw + i;
        if (i < G && !check(i + 0.5, j, k, k + 1, k, k + 1)) return Infinity;
        if (j < G && !check(i, j + 0.5, k, k + gw, k, k + gw)) return Infinity;
        if (i < G && j < G && !check(i + 0.5, j + 0.5, k, k + 1, k + gw, k + gw + 1)) return Infinity;
      }
    }
    return worst;
  }

  /**
   * Source (col, row) of the centres of output row `y`'s pixels into `cols` and `rows` (length ≥
   * width). Allocation-free.
   */
  fillRow(y: number, cols: Float64Array, rows: Float64Array): void {
    const W = this.#width, G = this.cells;
    if (G === 0) {
      const [minX, minY, maxX, maxY] = this.#box;
      const my = maxY - ((maxY - minY) * (y + 0.5)) / this.#height;
      for (let x = 0; x < W; x++) {
        const [c, r] = this.#toPixel(minX + ((maxX - minX) * (x + 0.5)) / W, my);
        cols[x] = c;
        rows[x] = r;
      }
      return;
    }
    const gw = G + 1;
    const gy = ((y + 0.5) / this.#height) * G;
    const j = Math.min(G - 1, Math.floor(gy));
    const fy = gy - j, ey = 1 - fy;
    const gc = this.#gc, gr = this.#gr, rc = this.#rc, rr = this.#rr;
    for (let i = 0, k = j * gw; i <= G; i++, k++) {
      rc[i] = ey * gc[k]! + fy * gc[k + gw]!;
      rr[i] = ey * gr[k]! + fy * gr[k + gw]!;
    }
    // Inside cell i the coordinates are linear in x: step along the row by constant increments.
    const step = G / W, perCell = W / G;
    let x = 0;
    for (let i = 0; i < G; i++) {
      // Pixels whose centre lies in cell i: (x + 0.5) * step < i + 1.
      const xe = i === G - 1 ? W : Math.min(W, Math.ceil((i + 1) * perCell - 0.5));
      const c0 = rc[i]!, dc = rc[i + 1]! - c0, r0 = rr[i]!, dr = rr[i + 1]! - r0;
      for (; x < xe; x++) {
        const fx = (x + 0.5) * step - i;
        cols[x] = c0 + fx * dc;
        rows[x] = r0 + fx * dr;
      }
    }
  }
}
