// The Concilia icon for browsers: an SVG drawn like the add-in's PNG icons, and a favicon.ico that wraps
// those PNGs (16, 32 and 48 px; every current browser reads PNG entries in an ICO).
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ICONS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../outlook-addin/public/assets",
);

export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 128 128"><title>Concilia</title><circle cx="64" cy="64" r="64" fill="#0F6CBD"/><path d="M87.7 44.1A31 31 0 1 0 87.7 83.9" fill="none" stroke="#fff" stroke-width="18"/></svg>`;

/** An ICO file (ICONDIR, one ICONDIRENTRY per image, then the images) holding the PNGs as they are. */
export function icoOf(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1: icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((img, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(img.size >= 256 ? 0 : img.size, e); // 0 means 256
    header.writeUInt8(img.size >= 256 ? 0 : img.size, e + 1);
    header.writeUInt8(0, e + 2); // no palette
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(img.png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += img.png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

let favicon: Promise<Buffer> | null = null;

export function faviconIco(): Promise<Buffer> {
  favicon ??= Promise.all(
    [16, 32, 48].map(async (size) => ({
      size,
      png: await fs.readFile(path.join(ICONS, `icon-${size}.png`)),
    })),
  ).then(icoOf);
  favicon.catch(() => {
    favicon = null;
  });
  return favicon;
}
