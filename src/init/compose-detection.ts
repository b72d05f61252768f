/**
 * The config `init` proposes for a detector on a COCO, YOLO or VOC dataset, and its summary.
 * Pure, as compose.ts is for classification (whose model and baseline parts it reuses): the
 * dataset keys the detection readers take, the detector's input plan with Ultralytics'
 * letterbox for YOLO-style heads, mAP gates, and the data suite's box checks.
 */
import path from 'node:path';
import { inputContractSchema } from '../config/schema.js';
import { resolveContract } from '../model/contract.js';
import { DESCRIPTIONS } from '../model/detection/convention.js';
import {
  baselineNodes,
  headerNodes,
  modelNodes,
  modelSummaryRows,
  type Composed,
  type Summary,
} from './compose.js';
import type { DetectionDatasetFindings } from './inspect-detection.js';
import type { ModelFindings } from './inspect-model.js';
import { planInput, type InputPlan } from './input-plan.js';
import { blank, block, c, pair, type YamlNode } from './render-yaml.js';

export interface ComposeDetectionInput {
  configDir: string;
  name: string;
  dataset: DetectionDatasetFindings;
  candidate: { findings: ModelFindings; plan: InputPlan };
  baseline?: { findings: ModelFindings; plan: InputPlan };
  show: (p: string) => string;
}

/**
 * Output conventions of Ultralytics exports: raw YOLOv5 / v8 / v11 heads and YOLOv10 /
 * end-to-end exports. Ultralytics feeds every one of them a letterboxed RGB image scaled to
 * 0..1 (its `LetterBox`: cv2.resize INTER_LINEAR, pad 114), so that is what init writes.
 */
const ULTRALYTICS = new Set(['yolo-v8', 'yolo-v5', 'end-to-end']);

/**
 * The input plan of a detector: {@link planInput} with the detection contract, then, for an
 * Ultralytics head, its letterbox and x/255 normalisation where neither the model nor a hint
 * settled them. `numClasses` (the dataset's) tells the output conventions apart; a model whose
 * outputs fit none or several throws the run's own message, which asks for
 * `model.output.convention`.
 */
export function planDetectorInput(label: string, m: ModelFindings, numClasses: number): InputPlan {
  const plan = planInput(label, m.inputs, m.outputs, m.hints, { numClasses });
  const convention = plan.contract.detection!.convention;
  if (!ULTRALYTICS.has(convention)) return plan;
  const head = `a ${convention} head`;
  if (plan.resize.how === 'assumed') {
    plan.resize = {
      value: { mode: 'letterbox', library: 'opencv' },
      how: 'hint',
      source: `Ultralytics' LetterBox for ${head} (cv2.resize, pad 114)`,
    };
    plan.settings.resize = plan.resize.value;
  }
  if (plan.normalisation?.how === 'assumed')
    plan.normalisation = {
      value: { scale: 1 / 255, mean: [0], std: [1] },
      how: 'hint',
      source: `Ultralytics for ${head} (pixels scaled to 0..1)`,
    };
  if (plan.channels.how === 'assumed')
    plan.channels = { value: 'rgb', how: 'hint', source: `Ultralytics for ${head} (RGB)` };
  // The run's own check of the settings as written.
  plan.contract = resolveContract(
    label,
    m.inputs,
    m.outputs,
    inputContractSchema.parse(plan.settings),
    { type: 'auto' },
    undefined,
    { numClasses },
  );
  return plan;
}

/**
 * First-run robustness: sampled images × the 15 benchmark corruptions at one severity. Half of
 * classification's sample: a detector's input is several times larger (640 px against 224 px
 * for the usual exports), so each corrupted image costs that much more inference.
 */
const ROBUSTNESS_SAMPLE = 50;

function robustnessNodes(n: number): YamlNode[] {
  const sample = Math.min(n, ROBUSTNESS_SAMPLE);
  return [
    c(
      `ImageNet-C corruptions on detection inputs, light for a first run: ${sample} sampled images × 15 corruptions at severity 3, scored by mAP (mPC and rPC against the baseline, Michaelis et al. 2019). The full benchmark is severities [1, 2, 3, 4, 5] on a larger sample, for a nightly run.`,
    ),
    pair('corruptions', 'benchmark'),
    pair('severities', [3]),
    pair('sample', sample),
    c(
      'Gates against the baseline, and consistency under transforms that move the boxes with the image:',
    ),
    {
      kind: 'commented',
      lines: ['gates: { maxMPCDrop: 0.02, minRPC: 0.5 }', 'transforms: [{ type: hflip }]'],
    },
  ];
}

/** Compose the config tree and the summary. */
export function composeDetectionConfig(input: ComposeDetectionInput): Composed {
  const { dataset: ds, candidate, baseline, show } = input;
  const rel = (p: string) => path.relative(input.configDir, p).split(path.sep).join('/') || '.';
  const check: string[] = [];
  const warnings = [...ds.warnings, ...candidate.findings.ignored, ...candidate.plan.ignored];
  if (baseline) warnings.push(...baseline.findings.ignored, ...baseline.plan.ignored);
  const n = ds.dataset.images.length;
  const classes = ds.dataset.classes;
  const convention = candidate.plan.contract.detection!.convention;

  const model = modelNodes(candidate, rel, check, 'model');
  model.push(
    c(
      `Outputs read as ${convention} (${DESCRIPTIONS[convention]}), told from their names and shapes at each run; to pin it, output: { convention: ${convention} }. Decoding uses Ultralytics validation's defaults (confidence 0.001, IoU 0.7, 300 detections).`,
    ),
  );
  const nodes: YamlNode[] = [
    ...headerNodes(input.name),
    blank,
    block('dataset', datasetNodes(ds, rel)),
    blank,
    block('model', model),
    blank,
    ...baselineNodes(baseline, candidate.plan, rel, check),
    blank,
    block('metrics', [
      block('detection', [
        c(
          'The working point: detections scoring at least this count for precision, recall, F1 and newly missed objects (mAP uses every detection).',
        ),
        pair('scoreThreshold', 0.25),
      ]),
    ]),
    blank,
    block('slices', sliceNodes(ds)),
    blank,
    block('gates', gateNodes()),
    blank,
    block('robustness', robustnessNodes(n)),
    blank,
    c(
      'Data checks: degenerate, out-of-bounds and duplicate boxes, class balance, tiny objects, duplicate images, unreadable and outlier images (reads each image once more).',
    ),
    block('data', [pair('enabled', true)]),
  ];
  const inferred: Summary['inferred'] = [
    [
      'dataset',
      [
        `${ds.kind} ${show(ds.annotations ?? ds.root)}: ${n} images, ${ds.objects} objects`,
        ...ds.inferred,
      ],
    ],
    [
      'slices',
      [
        ds.slices.length > 0
          ? ds.slices.map((s) => `${s.name} (${s.values} values)`).join(', ')
          : 'no image metadata to slice by',
        ...ds.dropped.map((d) => `not sliced: ${d.name} (${d.why})`),
      ],
    ],
    ['classes', [`${classes.length} from the dataset${preview(classes)}`]],
    ...modelSummaryRows(candidate, baseline, show, `; outputs read as ${convention}`),
    [
      'suites',
      [
        `regression with 2 mAP gates; robustness on ${Math.min(n, ROBUSTNESS_SAMPLE)} sampled images at severity 3; data checks on all ${n} images`,
      ],
    ],
  ];
  return { nodes, summary: { inferred, check: [...new Set(check)], warnings } };
}

function preview(classes: readonly string[]): string {
  return `: ${classes.slice(0, 6).join(', ')}${classes.length > 6 ? ', …' : ''}`;
}

function datasetNodes(ds: DetectionDatasetFindings, rel: (p: string) => string): YamlNode[] {
  const sentence = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  const classes = ds.dataset.classes;
  const out: YamlNode[] = [
    c(
      `${[`${ds.kind}: ${ds.dataset.images.length} images, ${ds.objects} objects of ${classes.length} classes${preview(classes)}`, ...ds.inferred].map(sentence).join('. ')}.`,
    ),
    pair('format', ds.format),
    pair('root', rel(ds.root)),
  ];
  if (
    ds.annotations &&
    !(ds.format === 'yolo' && rel(ds.annotations) === `${rel(ds.root)}/data.yaml`)
  )
    out.push(pair('annotations', rel(ds.annotations)));
  if (ds.split !== undefined) out.push(pair('split', ds.split));
  if (ds.slices.length > 0)
    out.push(
      c(
        `Image metadata, each value a slice: ${ds.slices.map((s) => `${s.name} (${s.values} values)`).join(', ')}.`,
      ),
    );
  if (ds.dropped.length > 0)
    out.push(c(`Not sliced by: ${ds.dropped.map((d) => `${d.name} (${d.why})`).join('; ')}.`));
  if (ds.format === 'voc') {
    out.push(
      c(
        ds.classesFrom
          ? `Class names in model output order, from ${ds.classesFrom}.`
          : 'CHECK: class indices in model output order; VOC files do not say it, so these are the names found, sorted.',
      ),
    );
    out.push(pair('classes', classes));
  }
  return out;
}

function sliceNodes(ds: DetectionDatasetFindings): YamlNode[] {
  const out: YamlNode[] = [
    c(
      'Each value of each image metadata column is a slice (a slice holds images, so not classes: per-class AP is in the report); crossings add combinations.',
    ),
  ];
  if (ds.slices.length >= 2)
    out.push({
      kind: 'commented',
      lines: [`crossings: [[${ds.slices[0]!.name}, ${ds.slices[1]!.name}]]`],
    });
  out.push(c('Slices with fewer images than this are reported but never gated.'));
  out.push(pair('minSupport', 30));
  return out;
}

function gateNodes(): YamlNode[] {
  return [
    c('Fail when mAP @[.5:.95] drops more than 2 points from the baseline.'),
    { kind: 'item', value: { metric: 'map', maxDrop: 0.02 } },
    c(
      'Fail when a slice drops more than 5 points of mAP and the drop is significant (paired image bootstrap, Benjamini-Hochberg across slices).',
    ),
    { kind: 'item', value: { metric: 'map', scope: 'slices', maxDrop: 0.05, significant: true } },
    c("Once you know the model's level, an absolute floor:"),
    { kind: 'commented', lines: ['- { metric: map, min: 0.3 }'] },
  ];
}
