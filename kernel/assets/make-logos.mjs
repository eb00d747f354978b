#!/usr/bin/env node
// Generates the kernelspec logos (logo-32x32.png, logo-64x64.png, logo-svg.svg): a blue Earth
// disk with green land and an orbit ring. Run: node kernel/assets/make-logos.mjs
import { writeFileSync } from "node:fs";
import { encode } from "fast-png";

const here = new URL(".", import.meta.url);

// The design in a 64-unit square: disk at (32,32) r=24; land = two ellipses clipped to the disk;
// orbit = a tilted ellipse ring; satellite = a small square on the ring.
const land = [
  { cx: 24, cy: 26, rx: 10, ry: 7 },
  { cx: 40, cy: 42, rx: 9, ry: 6 },
];
function inEllipse(x, y, e) {
  return ((x - e.cx) / e.rx) ** 2 + ((y - e.cy) / e.ry) ** 2 <= 1;
}
function ring(x, y) {
  // ellipse rx=30 ry=10 rotated -20°, stroke width ~2.2
  const a = (-20 * Math.PI) / 180;
  const dx = x - 32, dy = y - 32;
  const u = dx * Math.cos(a) + dy * Math.sin(a);
  const v = -dx * Math.sin(a) + dy * Math.cos(a);
  const r = Math.sqrt((u / 30) ** 2 + (v / 10) ** 2);
  return Math.abs(r - 1) * 12 < 1.1 && !(v < 0 && Math.hypot(dx, dy) < 24); // behind the disk: hidden
}
function colour(x, y) {
  if (ring(x, y)) return [255, 200, 40, 255];
  if (x >= 47 && x <= 53 && y >= 18 && y <= 24) return [230, 230, 235, 255];
  if (Math.hypot(x - 32, y - 32) <= 24) {
    if (land.some((e) => inEllipse(x, y, e))) return [52, 168, 83, 255];
    return [26, 115, 232, 255];
  }
  return [0, 0, 0, 0];
}
function png(size) {
  const data = new Uint8Array(size * size * 4);
  const ss = 4; // supersampling
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = colour(((px + (sx + 0.5) / ss) * 64) / size, ((py + (sy + 0.5) / ss) * 64) / size);
          for (let k = 0; k < 3; k++) acc[k] += c[k] * c[3];
          acc[3] += c[3];
        }
      }
      const i = (py * size + px) * 4;
      for (let k = 0; k < 3; k++) data[i + k] = acc[3] ? Math.round(acc[k] / acc[3]) : 0;
      data[i + 3] = Math.round(acc[3] / (ss * ss));
    }
  }
  return encode({ width: size, height: size, data, channels: 4, depth: 8 });
}
writeFileSync(new URL("logo-32x32.png", here), png(32));
writeFileSync(new URL("logo-64x64.png", here), png(64));
writeFileSync(
  new URL("logo-svg.svg", here),
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
  <defs><clipPath id="earth"><circle cx="32" cy="32" r="24"/></clipPath></defs>
  <ellipse cx="32" cy="32" rx="30" ry="10" transform="rotate(-20 32 32)" fill="none" stroke="#ffc828" stroke-width="2.2"/>
  <circle cx="32" cy="32" r="24" fill="#1a73e8"/>
  <g clip-path="url(#earth)" fill="#34a853">
    <ellipse cx="24" cy="26" rx="10" ry="7"/>
    <ellipse cx="40" cy="42" rx="9" ry="6"/>
  </g>
  <path d="M 2.9 38.2 A 30 10 -20 0 0 61.1 25.8" fill="none" stroke="#ffc828" stroke-width="2.2"/>
  <rect x="47" y="18" width="6" height="6" fill="#e6e6eb"/>
</svg>
`,
);
console.log("wrote kernel/assets/logo-32x32.png, logo-64x64.png, logo-svg.svg");
