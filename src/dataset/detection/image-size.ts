/** Pixel size of an image file as displayed (EXIF orientation applied), for label formats
 * that do not store it (YOLO's normalised boxes). */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { UserError } from '../../errors.js';

export async function displayedImageSize(
  file: string,
  display: string,
): Promise<{ width: number; height: number }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    throw new UserError('dataset', `${display}: image file not found`);
  }
  // sharp reads only the header here, not the pixels.
  let meta: { width?: number; height?: number; orientation?: number };
  {
    try {
      meta = await sharp(bytes).metadata();
    } catch (error) {
      throw new UserError(
        'dataset',
        `${display}: cannot read the image: ${(error as Error).message}`,
      );
    }
  }
  if (!meta.width || !meta.height)
    throw new UserError('dataset', `${display}: the image has no size`);
  const swap = (meta.orientation ?? 1) >= 5;
  return swap
    ? { width: meta.height, height: meta.width }
    : { width: meta.width, height: meta.height };
}
