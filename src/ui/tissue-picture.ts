/**
 * The tissue's picture as pixels, made in the worker from the engine's compact
 * frame (frame.ts) so that the page only blits it: painting a 1001 × 1001 patch
 * point by point took the page's main thread about 70 ms a patch. A lattice of up
 * to MAX_PICTURE points a side is painted one pixel a point; a larger one comes
 * as a frame of blocks of k × k points, one pixel each, so a picture never has
 * many more pixels than a patch canvas shows. No DOM here: the worker imports it.
 */
import type { PatchFrame, TissueFrame } from '../engine/tissue/frame.ts';

export const TYPE_COLORS = { mesenchymal: '#d7301f', epithelial: '#2b6cb0' } as const;

/** Which fields the picture shows under the cells. */
export interface Shown {
  ecm: boolean;
  mmp: boolean;
}

export interface PatchPicture {
  /** RGBA, `size` × `size`, row by row. */
  pixels: Uint8ClampedArray<ArrayBuffer>;
  /** Cells in the whole patch, counted before any shrinking. */
  mesenchymal: number;
  epithelial: number;
}

export interface TissuePicture {
  step: number;
  /** Pixels a side: the lattice's side, or less for a lattice larger than MAX_PICTURE. */
  size: number;
  /** Whether the engine's frame carried the fields. */
  fields: boolean;
  patches: PatchPicture[];
}

/** The largest picture side: about a patch canvas's size on screen at devicePixelRatio 1-2. */
export const MAX_PICTURE = 512;

type Rgb = [number, number, number];
const hex = (h: string): Rgb => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16)) as Rgb;
const M_RGB = hex(TYPE_COLORS.mesenchymal);
const E_RGB = hex(TYPE_COLORS.epithelial);
const ECM_RGB = hex('#e3cfa8');
const MMP_RGB = hex('#00897b');
const PLAIN_RGB = hex('#f4f5f7');
/**
 * MMP-2 stays far below the largest level the frame's scale allows (bytes of
 * 20-40 of 255 in the built-in scenarios), so the shading is full from this byte on.
 */
const MMP_SATURATES = 48;

/** Pixels a side of the picture of a lattice of `side` points a side (as tissueFrame shrinks it). */
export function pictureSize(side: number): number {
  return Math.ceil(side / Math.ceil(side / MAX_PICTURE));
}

/** Background colours already mixed, by which fields are shown. */
const backgrounds = new Map<string, Float64Array>();

/**
 * The colour under the cells for every pair of ECM and MMP-2 bytes (index
 * 3 × (256 × ECM + MMP-2)): the ECM density (beige for intact, white where
 * degraded) or plain grey, with MMP-2 laid over in teal. Mixed once per choice
 * of fields, not once per pixel of every picture.
 */
function background(withEcm: boolean, withMmp: boolean): Float64Array {
  const key = `${withEcm} ${withMmp}`;
  const known = backgrounds.get(key);
  if (known) return known;
  const table = new Float64Array(3 * 256 * 256);
  for (let ecm = 0; ecm < 256; ecm++) {
    for (let mmp = 0; mmp < 256; mmp++) {
      let r: number;
      let g: number;
      let b: number;
      if (withEcm) {
        const t = ecm / 255;
        r = 255 + (ECM_RGB[0] - 255) * t;
        g = 255 + (ECM_RGB[1] - 255) * t;
        b = 255 + (ECM_RGB[2] - 255) * t;
      } else {
        [r, g, b] = PLAIN_RGB;
      }
      if (withMmp) {
        const a = 0.85 * Math.min(1, mmp / MMP_SATURATES);
        r += (MMP_RGB[0] - r) * a;
        g += (MMP_RGB[1] - g) * a;
        b += (MMP_RGB[2] - b) * a;
      }
      const k = 3 * (256 * ecm + mmp);
      table[k] = r;
      table[k + 1] = g;
      table[k + 2] = b;
    }
  }
  backgrounds.set(key, table);
  return table;
}

/** One patch's pixels: the background, and a pixel with cells takes the mix of the type colours, stronger the fuller it is. */
function paint(out: Uint8ClampedArray, p: PatchFrame, capacity: number, shown: Shown): [number, number] {
  const { mesenchymal: m, epithelial: e, ecm: ecmLayer, mmp: mmpLayer } = p;
  const n = m.length;
  let totalM = 0;
  let totalE = 0;
  const withEcm = shown.ecm && ecmLayer.length === n;
  const withMmp = shown.mmp && mmpLayer.length === n;
  const colours = background(withEcm, withMmp);
  for (let i = 0; i < n; i++) {
    const k = 3 * ((withEcm ? 256 * (ecmLayer[i] as number) : 0) + (withMmp ? (mmpLayer[i] as number) : 0));
    let r = colours[k] as number;
    let g = colours[k + 1] as number;
    let b = colours[k + 2] as number;
    const cm = m[i] as number;
    const ce = e[i] as number;
    if (cm + ce > 0) {
      totalM += cm;
      totalE += ce;
      const f = cm / (cm + ce);
      const a = 0.8 + 0.2 * Math.min(1, (cm + ce) / capacity);
      r += (E_RGB[0] + (M_RGB[0] - E_RGB[0]) * f - r) * a;
      g += (E_RGB[1] + (M_RGB[1] - E_RGB[1]) * f - g) * a;
      b += (E_RGB[2] + (M_RGB[2] - E_RGB[2]) * f - b) * a;
    }
    out[4 * i] = r;
    out[4 * i + 1] = g;
    out[4 * i + 2] = b;
    out[4 * i + 3] = 255;
  }
  return [totalM, totalE];
}

/** The picture of a frame, its pixel buffers ready to transfer. */
export function tissuePicture(frame: TissueFrame, capacity: number, shown: Shown): TissuePicture {
  const { size, block } = frame;
  const patches = frame.patches.map((p): PatchPicture => {
    const pixels = new Uint8ClampedArray(4 * size * size);
    // A pixel of a shrunk frame holds the cells of block × block points.
    const [mesenchymal, epithelial] = paint(pixels, p, capacity * block * block, shown);
    return { pixels, mesenchymal, epithelial };
  });
  const first = frame.patches[0];
  return { step: frame.step, size, fields: !!first && first.ecm.length > 0, patches };
}

/** The buffers of a picture, to transfer rather than copy to the page. */
export function pictureBuffers(picture: TissuePicture): ArrayBuffer[] {
  return picture.patches.map((p) => p.pixels.buffer);
}
