// Generates every app icon from assets/icon.svg (run after changing the SVG; the outputs are committed):
//   assets/icons/<n>x<n>.png  16…1024   (Linux AppImage/deb icon set; electron-builder picks by name)
//   assets/icon.png           1024      (fallback for every target)
//   assets/icon.ico           16…256    (Windows / NSIS: PNG-compressed ICO entries)
//   assets/icon.icns          16…1024   (macOS: ic07…ic14 PNG entries)
// Needs `rsvg-convert` (Debian: apt-get install librsvg2-bin). The ICO and ICNS containers are written
// here, byte by byte, so nothing else is needed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const assets = path.join(root, 'assets');
const svg = path.join(assets, 'icon.svg');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

mkdirSync(path.join(assets, 'icons'), { recursive: true });
const png = {};
for (const size of SIZES) {
  const out = path.join(assets, 'icons', `${size}x${size}.png`);
  execFileSync('rsvg-convert', ['--width', String(size), '--height', String(size), '-o', out, svg]);
  png[size] = readFileSync(out);
}
writeFileSync(path.join(assets, 'icon.png'), png[1024]);

// ICO: ICONDIR + one ICONDIRENTRY per image, then the PNG bodies (Windows Vista+ reads PNG entries).
const icoSizes = [16, 24, 32, 48, 64, 128, 256];
const header = Buffer.alloc(6 + 16 * icoSizes.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(icoSizes.length, 4);
let offset = header.length;
icoSizes.forEach((size, i) => {
  const at = 6 + 16 * i;
  header.writeUInt8(size >= 256 ? 0 : size, at);
  header.writeUInt8(size >= 256 ? 0 : size, at + 1);
  header.writeUInt8(0, at + 2);
  header.writeUInt8(0, at + 3);
  header.writeUInt16LE(1, at + 4);
  header.writeUInt16LE(32, at + 6);
  header.writeUInt32LE(png[size].length, at + 8);
  header.writeUInt32LE(offset, at + 12);
  offset += png[size].length;
});
writeFileSync(path.join(assets, 'icon.ico'), Buffer.concat([header, ...icoSizes.map((s) => png[s])]));

// ICNS: 'icns' + total length, then (type, length incl. 8-byte header, PNG) per entry.
const icnsTypes = [
  ['ic11', 32], // 16@2x
  ['ic12', 64], // 32@2x
  ['ic07', 128],
  ['ic13', 256], // 128@2x
  ['ic08', 256],
  ['ic14', 512], // 256@2x
  ['ic09', 512],
  ['ic10', 1024], // 512@2x
];
const entries = icnsTypes.map(([type, size]) => {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'ascii');
  head.writeUInt32BE(8 + png[size].length, 4);
  return Buffer.concat([head, png[size]]);
});
const icnsHead = Buffer.alloc(8);
icnsHead.write('icns', 0, 'ascii');
icnsHead.writeUInt32BE(8 + entries.reduce((n, e) => n + e.length, 0), 4);
writeFileSync(path.join(assets, 'icon.icns'), Buffer.concat([icnsHead, ...entries]));

console.log(`icons written to ${path.relative(root, assets)}/`);
