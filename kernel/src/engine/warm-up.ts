/**
 * Compiler warm-up: sample cells that exercise the type checker and emitter paths ordinary notebook
 * cells take (interfaces, typed functions, classes, generics, array methods, destructuring, template
 * literals, async code, a last-expression value). Converting them once while the kernel is idle
 * lets V8 optimise that code before the user's first cells, which otherwise run it cold (two to
 * three times slower). Only conversions: nothing runs, no declarations are kept.
 *
 * @example
 * ```ts
 * for (const cell of warmUpCells()) converter.convert("", cell);
 * ```
 * @module
 */

/** The sample cells, with identifiers suffixed by `tag` so every conversion builds a new program. */
export function warmUpCells(tag = "0"): string[] {
  const n = `__warm${tag}`;
  const body: string[] = [];
  for (let k = 0; k < 12; k++) body.push(`  const v${k}: number = rows.length > ${k} ? rows[${k}].b4 - rows[${k}].b3 : ${k};`);
  return [
    [
      `interface Row${n} { id: string; b3: number; b4: number; valid: boolean; tags?: string[] }`,
      `type Stats${n} = { mean: number; count: number; label: \`class-\${number}\` };`,
      `function summarise${n}(rows: Row${n}[], scale = 1): Stats${n} {`,
      ...body,
      `  const valid = rows.filter((r) => r.valid).map(({ b3, b4 }) => (b4 - b3) / (b4 + b3 || 1));`,
      `  const mean = valid.reduce((s, x) => s + x, 0) / Math.max(1, valid.length);`,
      `  return { mean: mean * scale + v0 + v11, count: valid.length, label: \`class-\${Math.round(mean)}\` };`,
      `}`,
      `class Grid${n}<T extends number> {`,
      `  readonly cells = new Map<string, T[]>();`,
      `  constructor(private readonly size: number) {}`,
      `  add(key: string, ...values: T[]): this { this.cells.set(key, [...(this.cells.get(key) ?? []), ...values]); return this; }`,
      `  get count(): number { return [...this.cells.values()].reduce((s, v) => s + v.length, 0) % this.size; }`,
      `}`,
      `const rows${n}: Row${n}[] = [{ id: "a", b3: 0.1, b4: 0.4, valid: true }, { id: "b", b3: 0.2, b4: 0.3, valid: false, tags: ["x"] }];`,
      `const { mean: mean${n}, ...rest${n} } = summarise${n}(rows${n}, 2);`,
      `const later${n} = async (ms: number): Promise<string> => { await new Promise((r) => setTimeout(r, ms)); return String(ms); };`,
      `new Grid${n}<number>(4).add("k", 1, 2).count + mean${n} + Object.keys(rest${n}).length`,
    ].join("\n"),
    `1 + 1`,
  ];
}
