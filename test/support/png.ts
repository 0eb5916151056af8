/** PNG checks for chart tests: decode with skia and count what was drawn. */
import { Image } from '@napi-rs/canvas';
import { createCanvas } from '@napi-rs/canvas';

/** What a decoded PNG holds: its size, how many distinct colours, how many pixels are not white. */
export interface PngSummary {
  width: number;
  height: number;
  colours: number;
  nonWhite: number;
}

/** Decodes `bytes` (throws when they are not an image) and summarises the pixels within `area` (default: all). */
export function summarisePng(
  bytes: Uint8Array,
  area?: { x: number; y: number; width: number; height: number },
): PngSummary {
  const image = new Image();
  image.src = Buffer.from(bytes);
  const { width, height } = image;
  if (!width || !height) throw new Error('not a decodable image');
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const a = area ?? { x: 0, y: 0, width, height };
  const data = ctx.getImageData(a.x, a.y, a.width, a.height).data;
  const colours = new Set<number>();
  let nonWhite = 0;
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i] ?? 0;
    const g = data[i + 1] ?? 0;
    const b = data[i + 2] ?? 0;
    colours.add((r << 16) | (g << 8) | b);
    if (r < 245 || g < 245 || b < 245) nonWhite++;
  }
  return { width, height, colours: colours.size, nonWhite };
}

/** The colour of one pixel as [r, g, b, a]. */
export function pixelAt(bytes: Uint8Array, x: number, y: number): number[] {
  const image = new Image();
  image.src = Buffer.from(bytes);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return [...ctx.getImageData(x, y, 1, 1).data];
}
