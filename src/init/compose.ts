/**
 * The config `init` proposes, as a commented YAML tree, and the summary it prints. Pure: every
 * fact comes from the inspections. The comments say where each value came from, and every
 * value that was assumed rather than read is marked CHECK, in the file and in the summary,
 * because a wrong normalisation or resize runs without error and gives wrong numbers.
 */
import path from 'node:path';
import type { ClassChoice } from './class-sources.js';
import type { DatasetFindings } from './inspect-dataset.js';
import type { InputPlan } from './input-plan.js';
import type { ModelFindings } from './inspect-model.js';
import { blank, block, c, pair, type YamlNode } from './render-yaml.js';

export interface ComposeInput {
  /** Folder of the config file: paths in it are relative to this. */
  configDir: string;
  name: string;
  dataset: DatasetFindings;
  candidate: { findings: ModelFindings; plan: InputPlan };
  baseline?: { findings: ModelFindings; plan: InputPlan };
  classes: ClassChoice;
  /** The class list the run would use if `dataset.classes` were not written (undefined: none). */
  runDefaultClasses: readonly string[] | undefined;
  /** How the summary names a path. */
  show: (p: string) => string;
}

export interface Summary {
  /** Label → lines of what was read. */
  inferred: [string, string[]][];
  /** Assumptions to check (also marked CHECK in the config). */
  check: string[];
  /** Disagreements and things seen but not used. */
  warnings: string[];
}

export interface Composed {
  nodes: YamlNode[];
  summary: Summary;
}

/** First-run robustness: at most this many sampled images get the corruptions. */
const ROBUSTNESS_SAMPLE = 100;
/** The 15 ImageNet-C benchmark corruptions at one severity. */
const BENCHMARK_CORRUPTIONS = 15;
/** Above this many images the data suite (which reads every image again) starts commented out. */
const DATA_SUITE_MAX_IMAGES = 20_000;

const dimsText = (dims: readonly (number | string)[]) =>
  `[${dims.map((d) => (typeof d === 'number' && d < 0 ? '?' : String(d))).join(', ')}]`;

/** `input "x" float32 [N, 3, 224, 224]; output "logits" [N, 1000]`. */
function describeModelIo(f: ModelFindings, plan: InputPlan): string {
  const input = f.inputs.find((i) => i.name === plan.contract.inputName) ?? f.inputs[0]!;
  const output = f.outputs.find((o) => o.name === plan.contract.outputName) ?? f.outputs[0]!;
  const t = plan.contract.tensor;
  const g = plan.contract.geometry;
  return `input "${input.name}" ${input.type} ${dimsText(input.dims)} (${t.layout}, ${g.height}×${g.width}, ${t.channels === 'gray' ? 'gray' : '3 channels'}); output "${output.name}" ${dimsText(output.dims)}`;
}

/** A model as init found it, and the input plan it proposes. */
interface InspectedModel {
  findings: ModelFindings;
  plan: InputPlan;
}

/**
 * The summary's model and baseline rows: each file, its inputs and outputs as read, and the
 * candidate's preprocessing hints; `outputs` adds how a detector's outputs are read.
 */
export function modelSummaryRows(
  candidate: InspectedModel,
  baseline: InspectedModel | undefined,
  show: (p: string) => string,
  outputs = '',
): Summary['inferred'] {
  const io = (m: InspectedModel) =>
    `${show(m.findings.file)}: ${describeModelIo(m.findings, m.plan)}`;
  return [
    ['model', [`${io(candidate)}${outputs}`, ...hintLines(candidate.plan)]],
    ...(baseline ? ([['baseline', [io(baseline)]]] as Summary['inferred']) : []),
  ];
}

/** The top of every config init writes: what it is, how to read it, and its name. */
export function headerNodes(name: string): YamlNode[] {
  return [
    c(
      "VisionGate config written by `visiongate init`. Paths are relative to this file; every key is in VisionGate's docs/config-reference.md. Lines marked CHECK are assumptions, not read from the model or the data: check them before trusting the numbers.",
    ),
    blank,
    c('Names the check run, the PR comment and the stored baseline.'),
    pair('name', name),
  ];
}

/** Compose the config tree and the summary. */
export function composeConfig(input: ComposeInput): Composed {
  const { dataset: ds, candidate, baseline, classes, show } = input;
  const rel = (p: string) => path.relative(input.configDir, p).split(path.sep).join('/') || '.';
  const check: string[] = [];
  const warnings: string[] = [
    ...ds.warnings,
    ...candidate.findings.ignored,
    ...candidate.plan.ignored,
  ];
  if (baseline) warnings.push(...baseline.findings.ignored, ...baseline.plan.ignored);
  warnings.push(...classes.warnings);
  const n = ds.raw.examples.length;

  const nodes: YamlNode[] = [
    ...headerNodes(input.name),
    blank,
    block('dataset', datasetNodes(input, rel)),
    blank,
    block('model', modelNodes(candidate, rel, check, 'model')),
    blank,
    ...baselineNodes(baseline, candidate.plan, rel, check),
    blank,
    block('slices', sliceNodes(ds)),
    blank,
    block('gates', gateNodes()),
    blank,
    block('robustness', robustnessNodes(n)),
    blank,
    ...dataNodes(ds, n, rel),
  ];

  const inferred: Summary['inferred'] = [
    [
      'dataset',
      [
        `${ds.kind} ${show(ds.manifest ?? ds.root)}: ${ds.raw.examples.length} images, ${ds.raw.labels.length} labels`,
        ...ds.inferred,
      ],
    ],
    [
      'slices',
      [
        ds.slices.length > 0
          ? ds.slices.map((s) => `${s.name} (${s.values} values)`).join(', ')
          : 'no metadata columns to slice by: slices are the classes',
        ...ds.dropped.map((d) => `not sliced: ${d.name} (${d.why})`),
      ],
    ],
    [
      'classes',
      [
        `${classes.chosen.classes.length} from ${classes.chosen.where}${classPreview(classes.chosen.classes)}`,
        ...(classes.agreeing.length > 0 ? [`the same list in ${classes.agreeing.join(', ')}`] : []),
      ],
    ],
    ...modelSummaryRows(candidate, baseline, show),
    [
      'suites',
      [
        `regression with ${gateNodes().filter((g) => g.kind === 'item').length} gates; robustness on ${Math.min(n, ROBUSTNESS_SAMPLE)} sampled images at severity 3; data checks ${n <= DATA_SUITE_MAX_IMAGES ? `on all ${n} images` : `off (commented out: ${n} images)`}`,
      ],
    ],
  ];
  return { nodes, summary: { inferred, check: [...new Set(check)], warnings } };
}

function classPreview(classes: readonly string[]): string {
  const shown = classes.slice(0, 6).join(', ');
  return `: ${shown}${classes.length > 6 ? ', …' : ''}`;
}

/** Where the input settings that were not assumed came from, one line each. */
function hintLines(plan: InputPlan): string[] {
  const out: string[] = [];
  if (plan.normalisation?.how === 'hint')
    out.push(`normalisation from ${plan.normalisation.source}`);
  if (plan.resize.how === 'hint') out.push(`resize from ${plan.resize.source}`);
  if (plan.channels.how === 'hint') out.push(`channel order from ${plan.channels.source}`);
  if (plan.size.how === 'hint') out.push(`input size from ${plan.size.source}`);
  return out;
}

function datasetNodes(input: ComposeInput, rel: (p: string) => string): YamlNode[] {
  const ds = input.dataset;
  const sentence = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  const counts = `${ds.raw.examples.length} images, ${ds.raw.labels.length} labels`;
  const out: YamlNode[] = [
    c(`${[`${ds.kind}: ${counts}`, ...ds.inferred].map(sentence).join('. ')}.`),
  ];
  out.push(pair('root', rel(ds.root)));
  if (ds.manifest) out.push(pair('manifest', rel(ds.manifest)));
  const columns: Record<string, string> = {};
  if (ds.columns.id && ds.columns.id !== 'id') columns.id = ds.columns.id;
  if (ds.columns.path !== 'path') columns.path = ds.columns.path;
  if (ds.columns.label !== 'label') columns.label = ds.columns.label;
  if (Object.keys(columns).length > 0) out.push(pair('columns', columns));
  if (ds.slices.length > 0)
    out.push(
      c(
        `Metadata columns, each value a slice: ${ds.slices.map((s) => `${s.name} (${s.values} values)`).join(', ')}.`,
      ),
    );
  if (ds.dropped.length > 0) {
    out.push(
      c(
        `Left out, not useful as slices: ${ds.dropped.map((d) => `${d.name} (${d.why})`).join('; ')}. Add a column here to slice by it.`,
      ),
    );
    out.push(
      pair(
        'metadata',
        ds.slices.map((s) => s.name),
      ),
    );
  }
  const chosen = input.classes.chosen;
  const fits = `${chosen.classes.length} names`;
  const sameAsRun =
    input.runDefaultClasses !== undefined &&
    input.runDefaultClasses.length === chosen.classes.length &&
    input.runDefaultClasses.every((x, i) => x === chosen.classes[i]);
  if (sameAsRun)
    out.push(
      c(
        `Class names in model output order: ${chosen.where} (${fits}), which the run reads by itself. To pin them: classes: [${chosen.classes.slice(0, 3).join(', ')}${chosen.classes.length > 3 ? ', …' : ''}] or a classes.txt.`,
      ),
    );
  else if (chosen.file) {
    const what = chosen.origin === 'model-config' ? 'the id2label of this file' : 'this file';
    out.push(c(`Class names in model output order: ${what} (${fits}).`));
    out.push(pair('classes', rel(chosen.file)));
  } else {
    const check = chosen.origin === 'labels' ? 'CHECK: ' : '';
    out.push(c(`${check}Class names in model output order, from ${chosen.where} (${fits}).`));
    out.push(pair('classes', chosen.classes));
  }
  for (const w of input.classes.warnings) out.push(c(`Note: ${w}.`));
  return out;
}

const VALUES = (v: number[]) => (v.length === 1 ? v[0]! : v);

/** `model:` (or the baseline's `input:`) children. `check` collects the CHECK lines. */
export function modelNodes(
  m: { findings: ModelFindings; plan: InputPlan },
  rel: (p: string) => string,
  check: string[],
  key: 'model' | 'baseline',
): YamlNode[] {
  const out: YamlNode[] = [pair('path', rel(m.findings.file))];
  const inputNodes = inputSettingNodes(m, check, key);
  if (inputNodes.length > 0) out.push(block('input', inputNodes));
  return out;
}

function inputSettingNodes(
  m: { findings: ModelFindings; plan: InputPlan },
  check: string[],
  key: 'model' | 'baseline',
): YamlNode[] {
  const { plan } = m;
  const out: YamlNode[] = [
    c(`Read from the model at each run: ${describeModelIo(m.findings, plan)}.`),
  ];
  const g = plan.contract.geometry;
  const at = `${key}.input`;
  if (plan.layout.how === 'assumed') {
    check.push(`${at}.layout: assumed ${plan.layout.value} (the model's shape does not tell)`);
    out.push(c(`CHECK: the shape does not tell the layout: assumed ${plan.layout.value}.`));
    out.push(pair('layout', plan.layout.value));
  }
  if (plan.size.how !== 'model') {
    const [h, w] = plan.size.value;
    if (plan.size.how === 'assumed') {
      check.push(`${at}.size: assumed ${h}×${w} (the model's height and width are dynamic)`);
      out.push(
        c(`CHECK: the model takes any size: assumed ${h}×${w}, set the size it was trained at.`),
      );
    } else out.push(c(`Input size from ${plan.size.source}.`));
    out.push(pair('size', h === w ? h : [h, w]));
  }
  if (plan.channels.how === 'hint') {
    out.push(c(`Channel order from ${plan.channels.source}.`));
    if (plan.channels.value === 'bgr') out.push(pair('channels', 'bgr'));
  } else if (plan.channels.how === 'assumed') {
    check.push(
      `${at}.channels: assumed RGB order (set bgr for a model trained on OpenCV/Caffe images)`,
    );
    out.push(
      c(
        'CHECK: channel order assumed RGB; set channels: bgr for a model trained on OpenCV or Caffe (BGR) images.',
      ),
    );
  }
  const norm = plan.normalisation;
  if (norm) {
    const v = norm.value;
    if (norm.how === 'hint')
      out.push(c(`Normalisation from ${norm.source}: (x · scale − mean) / std.`));
    else {
      check.push(
        `${at}.mean / std: assumed x/255 with mean 0 and std 1; set them to the model's training normalisation`,
      );
      out.push(
        c(
          "CHECK: normalisation assumed x/255 with mean 0 and std 1: VisionGate cannot read it from the model. Set mean and std to the ones the model was trained with, e.g. ImageNet's:\nmean: [0.485, 0.456, 0.406]\nstd: [0.229, 0.224, 0.225]",
        ),
      );
    }
    if (Math.abs(v.scale - 1 / 255) > 1e-12) out.push(pair('scale', v.scale));
    out.push(pair('mean', VALUES(v.mean)));
    out.push(pair('std', VALUES(v.std)));
  } else {
    out.push(
      c(`The input is ${plan.contract.tensor.dtype}: raw 0-255 pixels, no scale, mean or std.`),
    );
  }
  const r = plan.resize.value;
  if (plan.resize.how === 'hint') out.push(c(`Resize from ${plan.resize.source}.`));
  else {
    check.push(
      `${at}.resize: assumed a plain resize to ${g.height}×${g.width} (stretch, Pillow bilinear; set library: opencv or torchvision if the model was trained with those)`,
    );
    out.push(
      c(
        `CHECK: resize assumed a plain stretch to ${g.height}×${g.width}. For torchvision's Resize(256) + CenterCrop(224) use { mode: center-crop, resizeTo: 256 }; to keep the aspect ratio with padding, { mode: letterbox }.`,
      ),
    );
  }
  out.push(
    pair('resize', {
      mode: r.mode,
      ...(r.resizeTo !== undefined ? { resizeTo: r.resizeTo } : {}),
      library: r.library,
      ...(r.interpolation !== undefined ? { interpolation: r.interpolation } : {}),
    }),
  );
  return out;
}

const sameSettings = (a: InputPlan, b: InputPlan) =>
  JSON.stringify(a.settings) === JSON.stringify(b.settings);

/** `baseline:`, or a comment on how to give one. */
export function baselineNodes(
  baseline: ComposeInput['baseline'],
  candidatePlan: InputPlan,
  rel: (p: string) => string,
  check: string[],
): YamlNode[] {
  if (!baseline)
    return [
      c(
        'No baseline given: the gates that compare with one are skipped on a first run. In GitHub Actions the results stored from your default branch become the baseline by themselves; locally, give one:',
      ),
      {
        kind: 'commented',
        lines: [
          'baseline:',
          '  model: path/to/baseline.onnx  # run alongside, or',
          '  report: path/to/earlier-output  # the output folder of an earlier run',
        ],
      },
    ];
  const children: YamlNode[] = [
    c('Evaluated in the same run, on the same decoded images.'),
    pair('model', rel(baseline.findings.file)),
  ];
  if (!sameSettings(baseline.plan, candidatePlan)) {
    children.push(c("Its input differs from the candidate's, so it has its own settings."));
    children.push(block('input', inputSettingNodes(baseline, check, 'baseline')));
  } else children.push(c('Same input settings as the candidate (model.input).'));
  return [block('baseline', children)];
}

function sliceNodes(ds: DatasetFindings): YamlNode[] {
  const out: YamlNode[] = [
    c(
      'Each value of each metadata column is a slice, and so is each class; crossings add combinations.',
    ),
  ];
  if (ds.slices.length >= 2)
    out.push({
      kind: 'commented',
      lines: [`crossings: [[${ds.slices[0]!.name}, ${ds.slices[1]!.name}]]`],
    });
  const sizes = sliceSizes(ds);
  out.push(
    c(
      `Slices with fewer examples than this are reported but never gated${
        sizes
          ? ` (here: ${sizes.min} to ${sizes.max} examples per slice${sizes.max < 30 ? ', so none is gated until the dataset grows' : ''})`
          : ''
      }.`,
    ),
  );
  out.push(pair('minSupport', 30));
  return out;
}

/** Smallest and largest slice (a value of a kept column, or a class). */
function sliceSizes(ds: DatasetFindings): { min: number; max: number } | undefined {
  const ex = ds.raw.examples;
  const counts: number[] = [];
  const labelCounts = new Map<number, number>();
  for (let i = 0; i < ex.length; i++)
    labelCounts.set(ex.labelCodes[i]!, (labelCounts.get(ex.labelCodes[i]!) ?? 0) + 1);
  counts.push(...labelCounts.values());
  for (const s of ds.slices) {
    const col = ex.metadata[ex.column(s.name)];
    if (!col) continue;
    const byCode = new Map<number, number>();
    for (const code of col.codes) if (code !== 0) byCode.set(code, (byCode.get(code) ?? 0) + 1);
    counts.push(...byCode.values());
  }
  return counts.length > 0 ? { min: Math.min(...counts), max: Math.max(...counts) } : undefined;
}

function gateNodes(): YamlNode[] {
  return [
    c('Fail when overall accuracy drops more than 2 points from the baseline.'),
    { kind: 'item', value: { metric: 'accuracy', maxDrop: 0.02 } },
    c(
      'Fail when a slice (a metadata value or a class) drops more than 5 points and the drop is significant after Benjamini-Hochberg correction across slices, so noise on small slices does not fail.',
    ),
    {
      kind: 'item',
      value: { metric: 'accuracy', scope: 'slices', maxDrop: 0.05, significant: true },
    },
    c('Warn when the expected calibration error (15 bins) rises by more than 0.02.'),
    { kind: 'item', value: { metric: 'ece', maxDrop: 0.02, level: 'warn' } },
    c("Once you know the model's level, an absolute floor:"),
    { kind: 'commented', lines: ['- { metric: accuracy, min: 0.9 }'] },
  ];
}

function robustnessNodes(n: number): YamlNode[] {
  const sample = Math.min(n, ROBUSTNESS_SAMPLE);
  return [
    c(
      `ImageNet-C corruptions, light for a first run: ${sample} sampled images × ${BENCHMARK_CORRUPTIONS} corruptions at severity 3 (${sample * BENCHMARK_CORRUPTIONS} extra images per model, whatever the dataset's size). The full benchmark is severities [1, 2, 3, 4, 5] on sample: 1000, for a nightly run.`,
    ),
    pair('corruptions', 'benchmark'),
    pair('severities', [3]),
    pair('sample', sample),
    c('Gates against the baseline, and prediction flips under transforms that keep your labels:'),
    {
      kind: 'commented',
      lines: [
        'gates: { maxRelativeMCE: 1.1, maxCorruptionDrop: 0.1 }',
        'transforms: [{ type: hflip }, { type: rotate, degrees: 10 }]',
      ],
    },
  ];
}

function dataNodes(ds: DatasetFindings, n: number, rel: (p: string) => string): YamlNode[] {
  const options: YamlNode = {
    kind: 'commented',
    lines: [
      `bias: { attributes: [${ds.slices[0]?.name ?? 'site'}] }  # accuracy gaps across sensitive columns`,
      ds.trainManifest
        ? `trainManifest: ${rel(ds.trainManifest)}  # train/test leakage against the train split`
        : 'trainManifest: path/to/train.csv  # train/test leakage',
    ],
  };
  if (n <= DATA_SUITE_MAX_IMAGES)
    return [
      c(
        'Data checks: label issues, duplicates, unreadable and outlier images (reads each image once more).',
      ),
      block('data', [pair('enabled', true), options]),
    ];
  return [
    c(
      `Data checks (label issues, duplicates, unreadable and outlier images) read each of the ${n} images once more: off for a fast first run.`,
    ),
    { kind: 'commented', lines: ['data:', '  enabled: true'] },
  ];
}
