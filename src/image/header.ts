/**
 * Width, height and EXIF orientation read straight from a JPEG or PNG header, so centre-crop
 * decoding can size its resize without a second libvips open of the file (sharp `metadata()`
 * costs ~0.11 ms of CPU per image, a tenth of the whole decode). Only clear-cut headers are
 * answered; anything unusual (no size, several EXIF blocks, an orientation outside 1-8 or of an
 * unexpected type, a PNG with an eXIf chunk, another format) returns undefined and the caller
 * asks sharp, so the answer is always the one sharp would give (checked against sharp in
 * test/integration/image-decode.test.ts).
 */
export interface ImageHeader {
  width: number;
  height: number;
  /** EXIF orientation 1-8 (1 when the file has none). */
  orientation: number;
}

export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  if (bytes.length > 24 && bytes[0] === 0x89 && bytes[1] === 0x50) return readPng(bytes);
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return readJpeg(bytes);
  return undefined;
}

const u16 = (b: Uint8Array, at: number, little = false) =>
  little ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number, little = false) =>
  little
    ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
    : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function readPng(b: Uint8Array): ImageHeader | undefined {
  if (PNG_SIGNATURE.some((v, i) => b[i] !== v)) return undefined;
  // The first chunk must be IHDR (length 13).
  if (u32(b, 8) !== 13 || String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== 'IHDR')
    return undefined;
  const width = u32(b, 16);
  const height = u32(b, 20);
  if (width === 0 || height === 0) return undefined;
  // libvips reads EXIF (hence an orientation) from an eXIf chunk: leave those files to sharp.
  let at = 8;
  while (at + 8 <= b.length) {
    const type = String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
    if (type === 'eXIf') return undefined;
    if (type === 'IDAT' || type === 'IEND') return { width, height, orientation: 1 };
    at += 12 + u32(b, at);
  }
  return undefined;
}

/** SOFn markers that carry the frame size (not DHT C4, JPG C8, DAC CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpeg(b: Uint8Array): ImageHeader | undefined {
  let at = 2;
  let orientation: number | undefined;
  let exifBlocks = 0;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda) return undefined;
    if (marker >= 0xd0 && marker <= 0xd7) return undefined;
    const length = u16(b, at + 2);
    if (length < 2 || at + 2 + length > b.length) return undefined;
    const body = at + 4;
    if (
      marker === 0xe1 &&
      length >= 8 &&
      b[body] === 0x45 && // "Exif\0\0"
      b[body + 1] === 0x78 &&
      b[body + 2] === 0x69 &&
      b[body + 3] === 0x66 &&
      b[body + 4] === 0 &&
      b[body + 5] === 0
    ) {
      if (++exifBlocks > 1) return undefined;
      orientation = exifOrientation(b.subarray(body + 6, at + 2 + length));
      if (orientation === undefined) return undefined;
    } else if (isStartOfFrame(marker)) {
      if (length < 8) return undefined;
      const height = u16(b, body + 1);
      const width = u16(b, body + 3);
      if (width === 0 || height === 0) return undefined;
      return { width, height, orientation: orientation ?? 1 };
    }
    at += 2 + length;
  }
  return undefined;
}

/**
 * The Orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block: 1 when absent,
 * undefined when the block or the tag is anything but plain (a SHORT, count 1, value 1-8).
 */
function exifOrientation(t: Uint8Array): number | undefined {
  if (t.length < 8) return undefined;
  const little = t[0] === 0x49 && t[1] === 0x49;
  if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return undefined;
  if (u16(t, 2, little) !== 42) return undefined;
  const ifd = u32(t, 4, little);
  if (ifd < 8 || ifd + 2 > t.length) return undefined;
  const entries = u16(t, ifd, little);
  if (ifd + 2 + entries * 12 > t.length) return undefined;
  for (let i = 0; i < entries; i++) {
    const e = ifd + 2 + i * 12;
    if (u16(t, e, little) !== 0x0112) continue;
    if (u16(t, e + 2, little) !== 3 || u32(t, e + 4, little) !== 1) return undefined;
    const value = u16(t, e + 8, little);
    return value >= 1 && value <= 8 ? value : undefined;
  }
  return 1;
}
