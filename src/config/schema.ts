import { z } from 'zod';
import { dataSuiteConfigSchema } from './data.js';
import { robustnessConfigSchema } from './robustness.js';
import { checkTaskKeys, DETECTION_CONVENTIONS, DETECTION_FORMATS, TASK_NAMES } from './task.js';

/**
 * The `visiongate.yml` schema. Types are inferred from it; every field carries a description so
 * the exported JSON Schema (schemas/visiongate.schema.json) gives editors useful completion.
 * Paths are relative to the config file's folder unless said otherwise.
 */

const nonEmpty = z.string().min(1, 'must not be empty');

const sizeSchema = z
  .union([
    z.number().int().positive(),
    z.tuple([z.number().int().positive(), z.number().int().positive()]),
  ])
  .describe(
    'Model input size: one number (square) or [height, width]. Default: read from the model.',
  );

/** Training libraries whose resize VisionGate reproduces, and each one's interpolations. */
export const RESIZE_INTERPOLATIONS = {
  pillow: ['nearest', 'bilinear', 'bicubic', 'lanczos', 'box', 'hamming'],
  torchvision: ['nearest', 'bilinear', 'bicubic'],
  opencv: ['nearest', 'linear', 'cubic', 'area'],
} as const;

export type ResizeLibrary = keyof typeof RESIZE_INTERPOLATIONS;
type Interpolation = (typeof RESIZE_INTERPOLATIONS)[ResizeLibrary][number];

const ALL_INTERPOLATIONS = [...new Set(Object.values(RESIZE_INTERPOLATIONS).flat())] as [
  Interpolation,
  ...Interpolation[],
];

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like "#ffffff"');

export const interpolationSchema = z
  .enum(ALL_INTERPOLATIONS, {
    // The old sharp kernel name gets a pointer to its replacement (the same a = 3 window).
    error: (issue) =>
      issue.input === 'lanczos3'
        ? 'write lanczos (Pillow LANCZOS, a = 3): "lanczos3" was the name of sharp\'s kernel, which VisionGate no longer uses'
        : undefined,
  })
  .describe(
    "Resampling kernel, in the library's own terms: pillow: nearest, bilinear, bicubic, lanczos, box, hamming (PIL Image.Resampling); torchvision: nearest, bilinear, bicubic (InterpolationMode); opencv: nearest, linear, cubic, area (cv2.INTER_NEAREST, INTER_LINEAR, INTER_CUBIC, INTER_AREA). Default: bilinear (pillow, torchvision), linear (opencv).",
  );

export const resizeSchema = z
  .object({
    mode: z
      .enum(['stretch', 'center-crop', 'letterbox'])
      .default('stretch')
      .describe(
        'stretch: resize to the input size ignoring aspect; center-crop: torchvision Resize(resizeTo) + CenterCrop (the shorter side to `resizeTo`, default = input size, then the centre); letterbox: Ultralytics LetterBox (fit inside, centred on `pad`).',
      ),
    library: z
      .enum(['pillow', 'torchvision', 'opencv'])
      .default('pillow')
      .describe(
        "The library whose resize the model was trained with, reproduced pixel for pixel: pillow (PIL Image.resize: torchvision transforms on PIL images, timm, Hugging Face image processors), torchvision (resize of uint8 tensors: torchvision.io and transforms v2 pipelines), opencv (cv2.resize: Ultralytics, albumentations). It also sets the loader defaults (`exif`, alpha, letterbox `pad`) to that library's usual loader; see docs/preprocessing.md.",
      ),
    interpolation: interpolationSchema.optional(),
    antialias: z
      .boolean()
      .optional()
      .describe(
        'torchvision only (bilinear, bicubic): the antialias flag of its tensor resize. Default true (torchvision 0.17+ and transforms v2; older versions defaulted to false on tensors). Pillow always antialiases when shrinking and OpenCV never does (use area).',
      ),
    resizeTo: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('center-crop only: shorter side before cropping (e.g. 256 for a 224 crop).'),
    pad: colorSchema
      .optional()
      .describe(
        'letterbox only: padding colour (#rrggbb). Default: `background` if given, else #727272 (114, as Ultralytics) for opencv and #000000 otherwise.',
      ),
  })
  .strict()
  .describe(
    "How an image becomes the input size, reproducing the training library's resize and loader. Changed: VisionGate used to resize with sharp's kernels, apply EXIF orientation and flatten alpha onto black for every model, which moved enlarged images by half a pixel and changed predictions; `interpolation: lanczos3` is now `lanczos`. docs/preprocessing.md lists what changed and what to write for each training pipeline.",
  )
  .superRefine((r, ctx) => {
    const allowed: readonly string[] = RESIZE_INTERPOLATIONS[r.library];
    const interpolation = r.interpolation;
    if (interpolation !== undefined && !allowed.includes(interpolation)) {
      const owner = (Object.keys(RESIZE_INTERPOLATIONS) as ResizeLibrary[]).find((l) =>
        (RESIZE_INTERPOLATIONS[l] as readonly string[]).includes(interpolation),
      );
      ctx.addIssue({
        code: 'custom',
        path: ['interpolation'],
        message: `"${interpolation}" is not a ${r.library} interpolation; ${r.library} has ${quoted(allowed)}${owner ? ` ("${interpolation}" is ${owner}'s name: set library: ${owner} if the model was trained with ${owner})` : ''}`,
      });
    }
    if (r.antialias !== undefined && r.library !== 'torchvision') {
      ctx.addIssue({
        code: 'custom',
        path: ['antialias'],
        message: `antialias applies to library: torchvision only (${r.library === 'pillow' ? 'Pillow always antialiases when shrinking' : 'OpenCV never does; interpolation: area averages when shrinking'}): remove it`,
      });
    }
    if (r.antialias === true && r.library === 'torchvision' && interpolation === 'nearest') {
      ctx.addIssue({
        code: 'custom',
        path: ['antialias'],
        message:
          'torchvision has no antialiased nearest: remove antialias or use bilinear or bicubic',
      });
    }
  });

const threeOrOne = z
  .union([z.number(), z.array(z.number()).min(1).max(4)])
  .describe('One value for every channel, or one per channel in the model channel order.');

export const inputContractSchema = z
  .object({
    name: nonEmpty
      .optional()
      .describe('Input tensor name. Default: the model has exactly one input.'),
    layout: z
      .enum(['NCHW', 'NHWC'])
      .optional()
      .describe('Tensor layout. Default: inferred from the model shape.'),
    size: sizeSchema.optional(),
    channels: z
      .enum(['rgb', 'bgr', 'gray'])
      .optional()
      .describe('Channel order. Default: gray for 1-channel inputs, rgb for 3-channel inputs.'),
    dtype: z
      .enum(['float32', 'uint8'])
      .optional()
      .describe('Input element type. Default: read from the model.'),
    resize: resizeSchema.default({ mode: 'stretch', library: 'pillow' }),
    scale: z
      .number()
      .positive()
      .optional()
      .describe('Multiply 0-255 pixel values by this (float32 inputs). Default 1/255.'),
    mean: threeOrOne.optional().describe('Subtracted after scaling (float32 inputs). Default 0.'),
    std: threeOrOne
      .optional()
      .describe('Divided after subtracting the mean (float32 inputs). Default 1.'),
    background: colorSchema
      .optional()
      .describe(
        'Flatten alpha onto this colour (#rrggbb) before resizing. Default: none: alpha is dropped and the colour stored under it kept, as PIL convert("RGB"), cv2.imread and torchvision decode_image(mode=RGB) do. Also the default letterbox `pad`.',
      ),
    exif: z
      .boolean()
      .optional()
      .describe(
        "Apply the EXIF orientation before resizing. Default: as the resize library's usual loader: true for opencv (cv2.imread), false for pillow (PIL Image.open) and torchvision (decode_image).",
      ),
  })
  .strict();

export const outputContractSchema = z
  .object({
    name: nonEmpty
      .optional()
      .describe('Output tensor name. Default: the model has one output, or the first.'),
    type: z
      .enum(['auto', 'logits', 'probabilities'])
      .default('auto')
      .describe(
        'Classification: auto: treat as probabilities when every row is non-negative and sums to 1 (±1e-3), else apply softmax.',
      ),
    convention: z
      .enum(['auto', ...DETECTION_CONVENTIONS])
      .optional()
      .describe(
        'Detection: how the outputs are read. yolo-v8: raw [N, 4+C, A] head (YOLOv8/v11); yolo-v5: raw [N, A, 5+C] with objectness; end-to-end: [N, K, 6] rows x1, y1, x2, y2, score, class; boxes-scores-labels: post-NMS boxes/scores/labels (torchvision); detr: logits [N, Q, C+1] + pred_boxes; rt-detr: logits [N, Q, C] + pred_boxes. Default auto: from the output names and shapes (an ambiguous model asks for it). See docs/detection.md.',
      ),
    confidence: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        'Detection: keep detections with a score above this. Default 0.001 (Ultralytics validation; mAP needs the low-score detections).',
      ),
    iou: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe(
        'Detection, raw YOLO heads: NMS IoU threshold. Default 0.7 (Ultralytics validation).',
      ),
    maxDetections: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe('Detection: most detections kept per image. Default 300 (Ultralytics validation).'),
  })
  .strict();

export const modelSchema = z
  .object({
    path: nonEmpty.describe('ONNX model file.'),
    input: inputContractSchema.default({ resize: { mode: 'stretch', library: 'pillow' } }),
    output: outputContractSchema.default({ type: 'auto' }),
  })
  .strict();

export const runtimeSchema = z
  .object({
    batchSize: z
      .number()
      .int()
      .positive()
      .max(4096)
      .optional()
      .describe(
        "Batch size. Default: the model's fixed batch if it has one; else 32, lowered for large inputs so a batch's input tensor stays near 32 MB (10 at 512×512 RGB, 2 at 1024×1024).",
      ),
    // Bounded: ONNX Runtime tries to start as many threads as asked (a million hung a run).
    intraOpThreads: z
      .number()
      .int()
      .min(0)
      .max(256)
      .optional()
      .describe('ONNX Runtime intra-op threads. 0 or unset: runtime default.'),
    interOpThreads: z.number().int().min(0).max(256).optional(),
    workers: z
      .number()
      .int()
      .min(0)
      .max(64)
      .optional()
      .describe(
        'Worker threads that compute corruption and transform images. 0: inline. Default: the number of CPUs (inline for inputs of at most 64×64, where messaging costs more than it saves).',
      ),
  })
  .strict();

export const datasetSchema = z
  .object({
    root: nonEmpty.describe('Dataset root folder. Every image path must resolve inside it.'),
    format: z
      .enum(['auto', 'csv', 'jsonl', 'imagefolder', 'hf-metadata', ...DETECTION_FORMATS])
      .default('auto')
      .describe(
        'auto: from the manifest extension; imagefolder when no manifest is given; hf-metadata for metadata.jsonl (Hugging Face: file_name is relative to the folder of metadata.jsonl). Detection: coco (instances JSON in `annotations`, file names relative to root), yolo (Ultralytics data.yaml in `annotations`, default root/data.yaml), voc (root holds Annotations/ and JPEGImages/).',
      ),
    manifest: nonEmpty
      .optional()
      .describe(
        'Manifest file (CSV or JSONL), relative to the config file. Detection formats: image-level metadata joined to the images by a file_name (or path) column.',
      ),
    annotations: nonEmpty
      .optional()
      .describe(
        'Detection: the annotation file, relative to the config file: COCO instances JSON (format coco, required) or data.yaml (format yolo, default root/data.yaml).',
      ),
    split: nonEmpty
      .optional()
      .describe(
        'Detection: yolo: the data.yaml split to evaluate (default val); voc: ImageSets/Main/<split>.txt (default every file in Annotations/).',
      ),
    columns: z
      .object({
        id: nonEmpty.optional().describe('Id column. Default: "id" if present, else the path.'),
        path: nonEmpty
          .default('path')
          .describe(
            'Image path column, relative to root. hf-metadata: file_name, relative to the folder of metadata.jsonl (the Hugging Face rule).',
          ),
        label: nonEmpty
          .default('label')
          .describe(
            'Class name column. hf-metadata without it: the folder each image is in (Hugging Face ImageFolder).',
          ),
      })
      .strict()
      .default({ path: 'path', label: 'label' }),
    metadata: z
      .array(nonEmpty)
      .optional()
      .describe('Metadata columns to keep. Default: every column that is not id, path or label.'),
    onUnreadable: z
      .enum(['error', 'skip'])
      .default('error')
      .describe(
        'error: stop and list unreadable images; skip: evaluate without them and report them.',
      ),
    classes: z
      .union([z.array(nonEmpty).min(2), nonEmpty])
      .optional()
      .describe(
        'Class names in output order: a list or a file: .json (a list, {"0": "cat"}, config.json id2label) or text, one per line ("# " starts a comment). Default: model metadata "classes", or folders.',
      ),
  })
  .strict();

export const baselineSchema = z
  .object({
    model: nonEmpty
      .optional()
      .describe('Baseline ONNX model, evaluated in the same run on the same decoded images.'),
    input: inputContractSchema
      .optional()
      .describe('Baseline input contract. Default: the candidate contract.'),
    output: outputContractSchema.optional(),
    report: nonEmpty
      .optional()
      .describe('A stored earlier result: the output folder of a previous run.'),
    reuse: nonEmpty
      .optional()
      .describe(
        'With baseline.model: a stored result (output folder) of that model; its records are used instead of running the model when the model file, input contract and images match.',
      ),
  })
  .strict()
  .refine((b) => !(b.model && b.report), {
    message: 'give either baseline.model or baseline.report, not both',
  })
  .refine((b) => !b.reuse || b.model, {
    message: 'baseline.reuse needs baseline.model (the model whose stored records it holds)',
  });

export const slicesSchema = z
  .object({
    columns: z
      .array(nonEmpty)
      .optional()
      .describe('Metadata columns to slice by. Default: all metadata columns.'),
    crossings: z
      .array(
        z
          // A flat list (`[lighting, source]`) is the usual slip: say what the shape is.
          .array(nonEmpty, {
            error: (issue) =>
              issue.code === 'invalid_type'
                ? 'crossings is a list of column lists, e.g. [[lighting, source]]'
                : undefined,
          })
          .min(2)
          .max(4),
      )
      .default([])
      .describe('Column combinations to cross, e.g. [[lighting, source]].'),
    classes: z.boolean().default(true).describe('Also slice by true class.'),
    minSupport: z
      .number()
      .int()
      .min(1)
      .default(30)
      .describe(
        'Slices with fewer examples are reported but never gated; a gate scoped to such a slice (slice:<key>) warns that it was not evaluated.',
      ),
    maxValues: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe(
        'A column with more distinct values is not sliced by value unless listed in slices.columns: a numeric one is binned into slices.bins quantile bins, any other is skipped (the report says which). Every extra slice is one more test in the multiple-testing correction.',
      ),
    bins: z
      .number()
      .int()
      .min(2)
      .max(20)
      .default(4)
      .describe(
        'Quantile bins of a numeric column with more than slices.maxValues values (labels like size∈[16, 32)).',
      ),
    bin: z
      .array(nonEmpty)
      .default([])
      .describe(
        'Numeric columns to bin into slices.bins quantile bins whatever their number of values.',
      ),
  })
  .strict();

export const regressionSchema = z
  .object({
    newlyFailing: z
      .object({
        minDrop: z
          .number()
          .min(0)
          .max(1)
          .default(0.03)
          .describe(
            "A slice is newly failing without any slice gate when it got worse than the rest of the data (permutation test, Benjamini-Hochberg adjusted below statistics.alpha) and both its own drop and its drop beyond the rest are at least this, in the tested metric's units (classification: 0.03 = 3 points of accuracy; detection: 0.03 of map).",
          ),
        level: z
          .enum(['warn', 'fail'])
          .default('warn')
          .describe('What a newly failing slice does to the verdict.'),
      })
      .strict()
      .default({ minDrop: 0.03, level: 'warn' }),
  })
  .strict();

export const gateRuleSchema = z
  .object({
    metric: nonEmpty.describe('Metric name, e.g. accuracy, macro_f1, top5_accuracy, ece, brier.'),
    scope: z
      .string()
      .regex(
        /^(overall|slices|classes|column:.+|slice:.+)$/,
        'must be overall, slices, classes, column:<name> or slice:<key>',
      )
      .default('overall')
      .describe(
        'overall; slices (every gated slice); classes; column:<name> (slices of one column); slice:<key> e.g. slice:lighting=dim.',
      ),
    min: z.number().optional().describe('Absolute floor: the metric must be at least this.'),
    max: z
      .number()
      .optional()
      .describe('Absolute ceiling: the metric must be at most this (for ece, brier).'),
    maxDrop: z
      .number()
      .min(0)
      .optional()
      .describe(
        'Largest allowed worsening vs the baseline, in metric units (0.02 = 2 points of accuracy).',
      ),
    level: z.enum(['fail', 'warn']).default('fail'),
    significant: z
      .boolean()
      .default(false)
      .describe(
        'maxDrop only: fail only when the worsening is also statistically significant (BH-adjusted McNemar for accuracy, bootstrap interval for other metrics).',
      ),
  })
  .strict()
  .refine((g) => g.min !== undefined || g.max !== undefined || g.maxDrop !== undefined, {
    message: 'a gate needs min, max and/or maxDrop',
  });

export const pinnedSchema = z
  .object({
    ids: z.array(nonEmpty).default([]).describe('Example ids that must be classified correctly.'),
    file: nonEmpty.optional().describe('Text file with one pinned example id per line.'),
    level: z.enum(['fail', 'warn']).default('fail'),
  })
  .strict();

export const configSchema = z
  .object({
    version: z.literal(1).default(1).describe('Config format version.'),
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
      .default('default')
      .describe(
        'Key of this evaluation: names the check, the PR comment marker and the stored baseline.',
      ),
    task: z
      .enum(TASK_NAMES)
      .default('classification')
      .describe(
        'classification or detection. Default: detection when dataset.format is coco, yolo or voc, else classification.',
      ),
    dataset: datasetSchema,
    model: modelSchema,
    runtime: runtimeSchema.default({}),
    baseline: baselineSchema.default({}),
    slices: slicesSchema.default({
      crossings: [],
      classes: true,
      minSupport: 30,
      maxValues: 20,
      bins: 4,
      bin: [],
    }),
    regression: regressionSchema
      .default({ newlyFailing: { minDrop: 0.03, level: 'warn' } })
      .describe('Regression suite: slices newly failing without a slice gate.'),
    metrics: z
      .object({
        topK: z.array(z.number().int().min(1)).default([1, 5]),
        detection: z
          .object({
            scoreThreshold: z
              .number()
              .min(0)
              .max(1)
              .default(0.25)
              .describe(
                'The working threshold: detections with a score at least this count for precision, recall, F1, the confusion matrix, newly missed objects and new false positives. Default 0.25 (Ultralytics prediction).',
              ),
            iou: z
              .number()
              .gt(0)
              .max(1)
              .default(0.5)
              .describe('IoU at which a detection matches an object at the working threshold.'),
          })
          .strict()
          .optional()
          .describe('Detection: the working point. mAP and AP50 need no threshold.'),
      })
      .strict()
      .default({ topK: [1, 5] }),
    pinned: pinnedSchema.default({ ids: [], level: 'fail' }),
    gates: z.array(gateRuleSchema).default([]),
    robustness: robustnessConfigSchema
      .optional()
      .describe('Robustness suite: ImageNet-C corruptions and invariance transforms. Absent: off.'),
    data: dataSuiteConfigSchema
      .optional()
      .describe(
        'Data suite: label issues, duplicates and leakage, representativity, image integrity, bias. Absent: off.',
      ),
    statistics: z
      .object({
        confidence: z
          .number()
          .gt(0)
          .lt(1)
          .default(0.95)
          .describe('Confidence of the paired bootstrap intervals.'),
        resamples: z
          .number()
          .int()
          .min(0)
          .max(100_000)
          .default(1000)
          .describe(
            "Bootstrap resamples, and at most as many draws of detection's permutation tests on map; 0 turns intervals and those tests off.",
          ),
        seed: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe('Seed of the bootstrap: the same seed gives the same intervals.'),
        alpha: z
          .number()
          .gt(0)
          .lt(1)
          .default(0.05)
          .describe(
            'Significance level after Benjamini-Hochberg adjustment across overall and all slices.',
          ),
      })
      .strict()
      .default({ confidence: 0.95, resamples: 1000, seed: 0, alpha: 0.05 }),
    discovery: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('Search for failing slices nobody declared (SliceLine).'),
        columns: z.array(nonEmpty).optional().describe('Metadata columns to search. Default: all.'),
        properties: z
          .array(z.enum(['brightness', 'contrast', 'sharpness']))
          .default(['brightness', 'contrast', 'sharpness'])
          .describe('Image properties binned into quantiles and searched too.'),
        bins: z.number().int().min(2).max(20).default(4),
        maxLevel: z
          .number()
          .int()
          .min(1)
          .max(4)
          .default(2)
          .describe('Most predicates in one discovered slice.'),
        topK: z.number().int().min(1).max(50).default(5),
        minSupport: z.number().int().min(1).optional().describe('Default: slices.minSupport.'),
        alpha: z
          .number()
          .gt(0)
          .max(1)
          .default(0.95)
          .describe("SliceLine's weight of error against size."),
      })
      .strict()
      .default({
        enabled: true,
        properties: ['brightness', 'contrast', 'sharpness'],
        bins: 4,
        maxLevel: 2,
        topK: 5,
        alpha: 0.95,
      }),
    report: z
      .object({
        maxExamples: z
          .number()
          .int()
          .min(0)
          .default(20)
          .describe('Newly failing/fixed examples listed in the markdown.'),
        maxSlices: z
          .number()
          .int()
          .min(0)
          .default(30)
          .describe('Slice rows listed in the markdown.'),
        maxListedExamples: z
          .number()
          .int()
          .min(0)
          .default(1000)
          .describe(
            'Newly failing/fixed examples listed in report.json (each list cut to this many; the counts stay complete and records.jsonl has every prediction).',
          ),
        html: z
          .boolean()
          .default(true)
          .describe(
            'Write report.html: one self-contained page with the failing images, slice and robustness charts (false: none, and an older one in the output folder is removed).',
          ),
      })
      .strict()
      .default({ maxExamples: 20, maxSlices: 30, maxListedExamples: 1000, html: true }),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkTaskKeys(c, ctx);
    // Significance of a non-accuracy drop comes from its bootstrap interval.
    c.gates.forEach((g, i) => {
      if (g.significant && g.metric !== 'accuracy' && c.statistics.resamples === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['gates', i, 'significant'],
          message: `significance of ${g.metric} needs bootstrap intervals, but statistics.resamples is 0`,
        });
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
export type InputContractConfig = z.infer<typeof inputContractSchema>;
export type OutputContractConfig = z.infer<typeof outputContractSchema>;
export type GateRule = z.infer<typeof gateRuleSchema>;
