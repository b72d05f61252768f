/**
 * Preprocessing a model states about itself, read where exporters put it. Normalisation and
 * resizing cannot be read from an ONNX graph's input shape; when a model carries them they are
 * used, and everything else is left to the caller to say it assumed.
 *
 * - ONNX `metadata_props` image keys (onnx/docs/MetadataProps.md, as Windows ML reads them):
 *   `Image.BitmapPixelFormat` (Gray8, Rgb8, Bgr8, Rgba8, Bgra8) and `Image.NominalPixelRange`
 *   (NominalRange_0_255, Normalized_0_1, Normalized_1_1, NominalRange_16_235), case-insensitive;
 *   Ultralytics' `imgsz` ("[224, 224]"); `mean` / `std` as JSON number lists.
 * - A Hugging Face `preprocessor_config.json` next to the model (what `optimum` exports beside
 *   model.onnx): `image_mean`, `image_std`, `do_normalize`, `rescale_factor`, `do_rescale`,
 *   `size`, `crop_size`, `do_center_crop`, `crop_pct` and `resample`, with the resize geometry
 *   of transformers' image processors: `{height, width}` is a plain resize; `shortest_edge` plus
 *   a centre crop is torchvision's Resize + CenterCrop; ConvNeXt's `crop_pct` resizes the
 *   shorter side to int(shortest_edge / crop_pct) and crops shortest_edge, below 384 only.
 */

/** Settings of `model.input` that a hint can give, and where each came from. */
export interface PreprocessingHints {
  channels?: 'rgb' | 'bgr' | 'gray';
  scale?: number;
  mean?: number[];
  std?: number[];
  /** [height, width] the model expects after resizing. */
  size?: [number, number];
  resize?: {
    mode: 'stretch' | 'center-crop';
    resizeTo?: number;
    interpolation?: 'nearest' | 'bilinear' | 'bicubic' | 'lanczos' | 'box' | 'hamming';
  };
  /** Which key gave which setting, for the config's comments: `mean: preprocessor_config.json image_mean`. */
  from: Partial<Record<'channels' | 'scale' | 'mean' | 'std' | 'size' | 'resize', string>>;
  /** What was there but cannot be used, said to the user. */
  ignored: string[];
}

const empty = (): PreprocessingHints => ({ from: {}, ignored: [] });

const numberList = (v: unknown): number[] | undefined =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x))
    ? (v as number[])
    : undefined;

function jsonNumbers(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  try {
    return numberList(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Hints in ONNX metadata_props. */
export function hintsFromOnnxMetadata(meta: Readonly<Record<string, string>>): PreprocessingHints {
  const h = empty();
  const lower = new Map(Object.entries(meta).map(([k, v]) => [k.toLowerCase(), v]));
  const pixelFormat = lower.get('image.bitmappixelformat')?.toLowerCase();
  if (pixelFormat) {
    const channels = (
      {
        gray8: 'gray',
        rgb8: 'rgb',
        rgba8: 'rgb',
        bgr8: 'bgr',
        bgra8: 'bgr',
      } as const
    )[pixelFormat];
    if (channels) {
      h.channels = channels;
      h.from.channels = `ONNX metadata Image.BitmapPixelFormat = ${lower.get('image.bitmappixelformat')}`;
    } else h.ignored.push(`Image.BitmapPixelFormat "${pixelFormat}" is not a known pixel format`);
  }
  const range = lower.get('image.nominalpixelrange');
  if (range) {
    const where = `ONNX metadata Image.NominalPixelRange = ${range}`;
    switch (range.toLowerCase()) {
      case 'nominalrange_0_255':
        Object.assign(h, { scale: 1, mean: [0], std: [1] });
        break;
      case 'normalized_0_1':
        Object.assign(h, { scale: 1 / 255, mean: [0], std: [1] });
        break;
      case 'normalized_1_1':
        // x/255 in [0, 1] → (x/255 − 0.5) / 0.5 in [−1, 1].
        Object.assign(h, { scale: 1 / 255, mean: [0.5], std: [0.5] });
        break;
      default:
        h.ignored.push(`${where}: this pixel range cannot be expressed with scale, mean and std`);
    }
    if (h.scale !== undefined) h.from.scale = h.from.mean = h.from.std = where;
  }
  const mean = jsonNumbers(lower.get('mean') ?? lower.get('image_mean'));
  const std = jsonNumbers(lower.get('std') ?? lower.get('image_std'));
  if (mean && std) {
    h.mean = mean;
    h.std = std;
    h.from.mean = h.from.std = 'ONNX metadata mean / std';
  }
  const imgsz = jsonNumbers(lower.get('imgsz'));
  if (imgsz && imgsz.every((n) => Number.isInteger(n) && n > 0)) {
    h.size = imgsz.length === 1 ? [imgsz[0]!, imgsz[0]!] : [imgsz[0]!, imgsz[1]!];
    h.from.size = 'ONNX metadata imgsz';
  }
  return h;
}

/** PIL resampling filter numbers (PIL.Image.Resampling), as transformers stores them. */
const PIL_RESAMPLE: Record<number, NonNullable<PreprocessingHints['resize']>['interpolation']> = {
  0: 'nearest',
  1: 'lanczos',
  2: 'bilinear',
  3: 'bicubic',
  4: 'box',
  5: 'hamming',
};

type SizeDict = { height?: number; width?: number; shortest_edge?: number };
const sizeDict = (v: unknown): SizeDict | undefined =>
  typeof v === 'number'
    ? { height: v, width: v }
    : v !== null && typeof v === 'object'
      ? v
      : undefined;

/** Hints in a Hugging Face preprocessor_config.json (parsed). `file` names it in messages. */
export function hintsFromPreprocessorConfig(json: unknown, file: string): PreprocessingHints {
  const h = empty();
  if (json === null || typeof json !== 'object') {
    h.ignored.push(`${file} is not a JSON object`);
    return h;
  }
  const c = json as Record<string, unknown>;
  if (c.do_rescale !== false)
    h.scale = typeof c.rescale_factor === 'number' ? c.rescale_factor : 1 / 255;
  else h.scale = 1;
  if (c.do_normalize === false) {
    h.mean = [0];
    h.std = [1];
  } else {
    const mean = numberList(c.image_mean);
    const std = numberList(c.image_std);
    if (mean && std) {
      h.mean = mean;
      h.std = std;
    }
  }
  const keys = [
    c.do_rescale === false ? 'do_rescale: false' : 'rescale_factor',
    ...(c.do_normalize === false
      ? ['do_normalize: false']
      : h.mean
        ? ['image_mean', 'image_std']
        : []),
  ];
  h.from.scale = `${file} (${keys.join(', ')})`;
  if (h.mean) h.from.mean = h.from.std = h.from.scale;
  const interpolation = typeof c.resample === 'number' ? PIL_RESAMPLE[c.resample] : undefined;
  if (typeof c.resample === 'number' && !interpolation)
    h.ignored.push(`${file} resample ${c.resample} (PIL filters are 0-5)`);
  const size = sizeDict(c.size);
  const crop = sizeDict(c.crop_size);
  const withKernel = <T extends object>(r: T) => ({
    ...r,
    ...(interpolation ? { interpolation } : {}),
  });
  if (c.do_resize === false) {
    h.ignored.push(`${file} do_resize: false (VisionGate always resizes to the model's input)`);
  } else if (size?.shortest_edge !== undefined && typeof c.crop_pct === 'number') {
    const s = size.shortest_edge;
    if (s < 384) {
      h.resize = withKernel({ mode: 'center-crop' as const, resizeTo: Math.floor(s / c.crop_pct) });
      h.size = [s, s];
    } else {
      h.resize = withKernel({ mode: 'stretch' as const });
      h.size = [s, s];
    }
    h.from.resize = h.from.size = `${file} size.shortest_edge ${s}, crop_pct ${c.crop_pct}`;
  } else if (
    size?.shortest_edge !== undefined &&
    c.do_center_crop === true &&
    crop?.height !== undefined &&
    crop.width !== undefined
  ) {
    h.resize = withKernel({ mode: 'center-crop' as const, resizeTo: size.shortest_edge });
    h.size = [crop.height, crop.width];
    h.from.resize =
      h.from.size = `${file} size.shortest_edge ${size.shortest_edge}, crop_size ${crop.height}×${crop.width}`;
  } else if (size?.height !== undefined && size.width !== undefined) {
    if (c.do_center_crop === true && crop?.height !== undefined && crop.width !== undefined)
      h.ignored.push(
        `${file}: a resize to ${size.height}×${size.width} and a crop to ${crop.height}×${crop.width} (a crop after a non-square-preserving resize has no equivalent here); using a plain resize`,
      );
    h.resize = withKernel({ mode: 'stretch' as const });
    h.size = [size.height, size.width];
    h.from.resize = h.from.size = `${file} size ${size.height}×${size.width}`;
  } else if (size !== undefined) {
    h.ignored.push(`${file} size ${JSON.stringify(c.size)} has no fixed output size`);
  }
  return h;
}

/** `first`'s settings, with `second`'s where `first` has none. */
export function mergeHints(
  first: PreprocessingHints,
  second: PreprocessingHints,
): PreprocessingHints {
  const out: PreprocessingHints = { from: {}, ignored: [...first.ignored, ...second.ignored] };
  for (const key of ['channels', 'scale', 'mean', 'std', 'size', 'resize'] as const) {
    const pick = first[key] !== undefined ? first : second;
    if (pick[key] !== undefined) {
      (out as unknown as Record<string, unknown>)[key] = pick[key];
      if (pick.from[key]) out.from[key] = pick.from[key];
    }
  }
  return out;
}
