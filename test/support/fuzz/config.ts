/**
 * visiongate.yml for the fuzz properties: valid configs built from the keys and value ranges of
 * the schema (src/config/schema.ts and the suites' schemas) that fit the generated dataset and
 * model, and the mutations that break one: a key path whose value is replaced or removed, an
 * unknown key, or a change to the YAML text (syntax, duplicate keys, aliases, encodings).
 */
import fc from 'fast-check';
import { configSchema } from '../../../src/config/schema.js';
import { CORRUPTION_NAMES } from '../../../src/corruptions/types.js';
import type { DatasetSpec } from './dataset.js';
import type { FixtureModel } from './models.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type KeyPath = (string | number)[];

/** Where the class list comes from. */
export type ClassSource = 'list' | 'file' | 'model';

/** What a config is built for: paths are relative to the config file's folder (the case folder). */
export interface ConfigContext {
  dataset: DatasetSpec;
  model: FixtureModel;
  /** Path of the manifest relative to the case folder; undefined for ImageFolder. */
  manifest?: string;
  classSource: ClassSource;
  /** A second model for `baseline.model`, compatible with the candidate's config. */
  baselineModel?: FixtureModel;
  /** Turn on the robustness and data suites (small samples) on some cases. */
  suites: boolean;
}

const NAME = fc.stringMatching(/^[A-Za-z0-9._-]{1,24}$/);
const small = (min: number, max: number) => fc.integer({ min, max });
const unit = (min = 0, max = 1) =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((x) => Number(x.toFixed(4)));

/** Omit the key (undefined) about half the time. */
const maybe = <T>(arb: fc.Arbitrary<T>, freq = 1) => fc.option(arb, { nil: undefined, freq });

/** Drop undefined values, keeping key order. */
function compact(o: Record<string, unknown>): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v as Json;
  return out;
}

function metricNames(ctx: ConfigContext): string[] {
  const k = ctx.model.outputs;
  const names = [
    'accuracy',
    'macro_precision',
    'macro_recall',
    'macro_f1',
    'weighted_f1',
    'ece',
    'brier',
  ];
  for (let i = 1; i < k; i++) names.push(`top${i}_accuracy`);
  const cls = ctx.dataset.classes[0]!;
  names.push(`precision[${cls}]`, `recall[0]`, `f1[${ctx.dataset.classes.at(-1)!}]`);
  return names;
}

function gateArb(ctx: ConfigContext): fc.Arbitrary<Json> {
  const scopes = [
    'overall',
    'slices',
    'classes',
    ...ctx.dataset.metaNames.map((m) => `column:${m}`),
    `slice:class=${ctx.dataset.classes[0]!}`,
    'slice:nothing=here',
  ];
  return fc
    .record({
      metric: fc.constantFrom(...metricNames(ctx)),
      scope: maybe(fc.constantFrom(...scopes)),
      min: maybe(unit()),
      max: maybe(unit(0, 2)),
      maxDrop: maybe(unit(0, 0.5)),
      level: maybe(fc.constantFrom('fail', 'warn')),
      significant: maybe(fc.boolean()),
    })
    .map((g) =>
      compact(
        g.min === undefined && g.max === undefined && g.maxDrop === undefined
          ? { ...g, min: 0.5 }
          : g,
      ),
    );
}

function inputArb(m: FixtureModel): fc.Arbitrary<Json> {
  const nc = m.channels;
  const perChannel = (lo: number, hi: number) =>
    fc.oneof(unit(lo, hi), fc.array(unit(lo, hi), { minLength: nc, maxLength: nc }));
  const float = m.dtype === 'float32';
  return fc
    .record({
      layout: maybe(fc.constant(m.layout)),
      size: maybe(fc.constantFrom<Json>(8, [8, 8])),
      channels: maybe(fc.constantFrom(...(nc === 1 ? ['gray'] : ['rgb', 'bgr']))),
      dtype: maybe(fc.constant(m.dtype)),
      resize: maybe(
        fc
          .record({
            mode: maybe(fc.constantFrom('stretch', 'center-crop', 'letterbox')),
            interpolation: maybe(fc.constantFrom('nearest', 'bilinear', 'bicubic', 'lanczos3')),
            resizeTo: maybe(small(8, 40)),
          })
          .map((r) => compact(r.mode === 'center-crop' ? r : { ...r, resizeTo: undefined })),
      ),
      scale: float ? maybe(unit(0.001, 2).filter((x) => x > 0)) : fc.constant(undefined),
      mean: float ? maybe(perChannel(-1, 1)) : fc.constant(undefined),
      std: float ? maybe(perChannel(0.1, 2)) : fc.constant(undefined),
      background: maybe(fc.stringMatching(/^#[0-9a-fA-F]{6}$/)),
    })
    .map(compact);
}

function robustnessArb(ctx: ConfigContext): fc.Arbitrary<Json> {
  const transform = fc.oneof(
    fc.constant({ type: 'hflip' }),
    fc.constant({ type: 'vflip' }),
    small(-30, 30).map((degrees) => ({ type: 'rotate', degrees })),
    unit(0.5, 1)
      .filter((f) => f > 0)
      .map((factor) => ({ type: 'crop', factor })),
    unit(0, 2).map((brightness) => ({ type: 'color_jitter', brightness })),
  );
  return fc
    .record({
      enabled: maybe(fc.boolean(), 3),
      corruptions: fc.uniqueArray(fc.constantFrom(...CORRUPTION_NAMES), {
        minLength: 1,
        maxLength: 2,
      }),
      severities: fc.uniqueArray(small(1, 5), { minLength: 1, maxLength: 2 }),
      table: maybe(fc.constantFrom('auto', 'imagenet', 'cifar')),
      pixelScale: maybe(fc.constantFrom('reference', 'image')),
      sample: small(1, 6),
      seed: maybe(small(0, 1000)),
      transforms: maybe(fc.array(transform, { maxLength: 2 })),
      gates: maybe(
        fc
          .record({
            maxRelativeMCE: maybe(unit(0.5, 2).filter((x) => x > 0)),
            minCorruptionAccuracy: maybe(unit()),
            maxFlipRate: maybe(unit()),
            level: maybe(fc.constantFrom('fail', 'warn')),
          })
          .map(compact),
      ),
    })
    .map((r) => compact({ ...r, enabled: ctx.suites ? r.enabled : false }));
}

function dataArb(ctx: ConfigContext): fc.Arbitrary<Json> {
  const gate = fc.oneof(
    unit(0, 1),
    fc.record({ warn: maybe(unit()), fail: maybe(unit()) }).map(compact),
  );
  return fc
    .record({
      concurrency: maybe(small(1, 4)),
      maxListed: maybe(small(1, 20)),
      labelIssues: maybe(
        fc
          .record({
            enabled: maybe(fc.boolean()),
            method: maybe(
              fc.constantFrom(
                'prune_by_noise_rate',
                'prune_by_class',
                'both',
                'confident_joint',
                'predicted_neq_given',
              ),
            ),
            rankBy: maybe(fc.constantFrom('normalized_margin', 'self_confidence')),
          })
          .map(compact),
      ),
      duplicates: maybe(
        fc
          .record({
            hash: maybe(fc.constantFrom('phash', 'dhash', 'both')),
            hammingThreshold: maybe(small(0, 32)),
            contentWindow: maybe(fc.boolean()),
          })
          .map(compact),
      ),
      representativity: maybe(
        fc
          .record({
            expected: maybe(fc.record({ label: maybe(fc.constant('uniform')) }).map(compact)),
            minSupport: maybe(small(1, 10)),
          })
          .map(compact),
      ),
      imageProperties: maybe(
        fc
          .record({
            failOn: maybe(fc.constantFrom('none', 'truncated', 'error', 'warning')),
            maxSide: maybe(small(32, 64)),
            outlierZ: maybe(unit(0.5, 5).filter((x) => x > 0)),
          })
          .map(compact),
      ),
      bias: maybe(
        fc
          .record({
            attributes: maybe(fc.subarray(ctx.dataset.metaNames)),
            minGroupSize: maybe(small(1, 5)),
            minClassSupport: maybe(small(1, 5)),
          })
          .map(compact),
      ),
      gates: maybe(
        fc
          .record({ maxDuplicateGroups: maybe(gate), maxUnreadableImages: maybe(gate) })
          .map(compact),
      ),
    })
    .map(compact);
}

/** A config the schema accepts and that fits the dataset and model of `ctx`. */
export function validConfigArb(ctx: ConfigContext): fc.Arbitrary<{ [key: string]: Json }> {
  const { dataset: ds, model: m } = ctx;
  const meta = ds.metaNames;
  const crossing =
    meta.length >= 2
      ? fc.uniqueArray(fc.constantFrom(...meta), {
          minLength: 2,
          maxLength: Math.min(4, meta.length),
        })
      : undefined;
  const ids = ds.rows.map((r) => r.id);
  return fc
    .record({
      version: maybe(fc.constant(1)),
      name: maybe(NAME),
      task: maybe(fc.constant('classification')),
      datasetExtra: fc.record({
        format: fc.boolean(),
        onUnreadable: maybe(fc.constantFrom('error', 'skip')),
        metadata: maybe(fc.subarray(meta)),
      }),
      input: maybe(inputArb(m)),
      output: maybe(
        fc
          .record({
            name: maybe(fc.constant(m.outputName)),
            type: maybe(fc.constantFrom('auto', 'logits', 'probabilities')),
          })
          .map(compact),
      ),
      runtime: maybe(
        fc
          .record({
            batchSize: maybe(small(1, 24)),
            intraOpThreads: maybe(small(0, 2)),
            interOpThreads: maybe(small(0, 1)),
            workers: maybe(fc.constantFrom(0, 0, 0, 1)),
          })
          .map(compact),
      ),
      baseline: fc.boolean(),
      slices: maybe(
        fc
          .record({
            columns: maybe(fc.subarray(meta)),
            crossings: crossing
              ? maybe(fc.array(crossing, { maxLength: 2 }))
              : fc.constant(undefined),
            classes: maybe(fc.boolean()),
            minSupport: maybe(small(1, 25)),
          })
          .map(compact),
      ),
      topK: maybe(fc.uniqueArray(small(1, m.outputs), { minLength: 1, maxLength: 3 })),
      pinned: maybe(
        fc
          .record({
            ids: maybe(fc.subarray(ids, { maxLength: Math.min(3, ids.length) })),
            unknown: maybe(fc.constant(['not-an-id'])),
            level: maybe(fc.constantFrom('fail', 'warn')),
            file: fc.boolean(),
          })
          .map(compact),
      ),
      gates: maybe(fc.array(gateArb(ctx), { maxLength: 4 })),
      robustness: ctx.suites ? maybe(robustnessArb(ctx), 2) : fc.constant(undefined),
      data: ctx.suites ? maybe(dataArb(ctx), 2) : fc.constant(undefined),
      statistics: maybe(
        fc
          .record({
            confidence: maybe(unit(0.5, 0.99).filter((x) => x > 0 && x < 1)),
            resamples: maybe(small(0, 60)),
            seed: maybe(small(0, 99)),
            alpha: maybe(unit(0.01, 0.5).filter((x) => x > 0 && x < 1)),
          })
          .map(compact),
      ),
      discovery: maybe(
        fc
          .record({
            enabled: maybe(fc.boolean()),
            columns: maybe(fc.subarray(meta)),
            properties: maybe(fc.subarray(['brightness', 'contrast', 'sharpness'])),
            bins: maybe(small(2, 5)),
            maxLevel: maybe(small(1, 3)),
            topK: maybe(small(1, 5)),
            minSupport: maybe(small(1, 5)),
            alpha: maybe(unit(0.1, 1).filter((x) => x > 0)),
          })
          .map(compact),
      ),
      report: maybe(
        fc
          .record({
            maxExamples: maybe(small(0, 5)),
            maxSlices: maybe(small(0, 10)),
            maxListedExamples: maybe(small(0, 5)),
          })
          .map(compact),
      ),
    })
    .map((g) => {
      const formatOf = {
        csv: 'csv',
        tsv: 'csv',
        jsonl: 'jsonl',
        hf: 'hf-metadata',
        imagefolder: 'imagefolder',
      } as const;
      const cols = ds.columns;
      const defaultColumns =
        ds.kind === 'imagefolder' ||
        ds.kind === 'hf' ||
        (cols.path === 'path' &&
          cols.label === 'label' &&
          (cols.id === undefined || cols.id === 'id'));
      const dataset = compact({
        root: 'data',
        format: g.datasetExtra.format || ds.kind === 'hf' ? formatOf[ds.kind] : undefined,
        manifest: ctx.manifest,
        columns: defaultColumns
          ? undefined
          : compact({ id: cols.id, path: cols.path, label: cols.label }),
        metadata: g.datasetExtra.metadata,
        onUnreadable: g.datasetExtra.onUnreadable,
        classes:
          ctx.classSource === 'list'
            ? ds.classes
            : ctx.classSource === 'file'
              ? 'classes.txt'
              : undefined,
      });
      const model = compact({ path: 'models/candidate.onnx', input: g.input, output: g.output });
      const pinned =
        g.pinned &&
        compact({
          ids: g.pinned.file
            ? undefined
            : [
                ...((g.pinned.ids as string[] | undefined) ?? []),
                ...((g.pinned.unknown as string[] | undefined) ?? []),
              ],
          file: g.pinned.file ? 'pinned.txt' : undefined,
          level: g.pinned.level,
        });
      // Significance of a non-accuracy drop needs bootstrap intervals.
      const resamples = (g.statistics as { resamples?: number } | undefined)?.resamples;
      const gates = (g.gates as { [k: string]: Json }[] | undefined)?.map((gate) =>
        resamples === 0 && gate.significant && gate.metric !== 'accuracy'
          ? { ...gate, significant: false }
          : gate,
      );
      return compact({
        version: g.version,
        name: g.name,
        task: g.task,
        dataset,
        model,
        runtime: g.runtime,
        baseline: g.baseline && ctx.baselineModel ? { model: 'models/baseline.onnx' } : undefined,
        slices: g.slices,
        metrics: g.topK ? { topK: g.topK } : undefined,
        pinned,
        gates,
        robustness: g.robustness,
        data: g.data,
        statistics: g.statistics,
        discovery: g.discovery,
        report: g.report,
      });
    });
}

/** The pinned ids a config refers to through `pinned.file` (written to pinned.txt). */
export function pinnedFileIds(ctx: ConfigContext): string[] {
  return ctx.dataset.rows
    .map((r) => r.id)
    .filter((id) => !/[\r\n]/.test(id) && !id.startsWith('#'))
    .slice(0, 3);
}

// ---------------------------------------------------------------- mutations of the object

/** A change to the config object at a key path that the schema must refuse. */
export type ObjectMutation =
  | { kind: 'replace'; path: KeyPath; value: Json | undefined }
  | { kind: 'unknown-key'; path: KeyPath; key: string }
  | { kind: 'delete'; path: KeyPath };

/** Every key path of a JSON value, parents before children. */
export function keyPaths(value: Json, prefix: KeyPath = []): KeyPath[] {
  const out: KeyPath[] = [];
  if (Array.isArray(value))
    value.forEach((v, i) => {
      out.push([...prefix, i], ...keyPaths(v, [...prefix, i]));
    });
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value))
      out.push([...prefix, k], ...keyPaths(v, [...prefix, k]));
  return out;
}

export function getAt(value: Json, path: KeyPath): Json | undefined {
  let v: Json | undefined = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, Json>)[p];
  }
  return v;
}

/** A copy of `root` with the mutation applied. */
export function applyMutation(root: Json, m: ObjectMutation): Json {
  const copy = structuredClone(root);
  const parentPath = m.kind === 'unknown-key' ? m.path : m.path.slice(0, -1);
  const parent = getAt(copy, parentPath) as Record<string | number, Json | undefined>;
  if (m.kind === 'unknown-key') parent[m.key] = 1;
  else if (m.kind === 'delete' || m.value === undefined) {
    if (Array.isArray(parent)) parent.splice(m.path.at(-1) as number, 1);
    else delete parent[m.path.at(-1)!];
  } else parent[m.path.at(-1)!] = m.value;
  return copy;
}

/** Misspellings of a string: a letter changed, dropped, doubled, or the case changed. */
function misspell(s: string): fc.Arbitrary<string> {
  if (s.length === 0) return fc.constant('x');
  return fc
    .integer({ min: 0, max: s.length - 1 })
    .chain((i) =>
      fc.constantFrom(
        s.slice(0, i) + s.slice(i + 1),
        s.slice(0, i) + s[i]! + s.slice(i),
        s.slice(0, i) + (s[i] === 'x' ? 'y' : 'x') + s.slice(i + 1),
        s.toUpperCase(),
        `${s} `,
      ),
    );
}

const REPLACEMENTS: Json[] = [
  null,
  true,
  false,
  0,
  -1,
  0.5,
  1.5,
  2 ** 53 + 2,
  1e308,
  -1e308,
  '',
  'x',
  '1',
  'yes',
  [],
  [null],
  [1, 2, 3, 4, 5],
  {},
  { a: 1 },
];

/**
 * Mutations of `config` that the schema refuses with an issue at (or under) the mutated key:
 * the CLI's message must name that key.
 */
export function objectMutationArb(config: { [key: string]: Json }): fc.Arbitrary<ObjectMutation> {
  const paths = keyPaths(config);
  const objects = [
    [] as KeyPath,
    ...paths.filter((p) => {
      const v = getAt(config, p);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    }),
  ];
  const replace = fc.constantFrom(...paths).chain((path) => {
    const current = getAt(config, path);
    const values: fc.Arbitrary<Json>[] = [fc.constantFrom(...REPLACEMENTS)];
    if (typeof current === 'string') values.push(misspell(current));
    if (typeof current === 'number')
      values.push(fc.constantFrom(current + 0.5, -current - 1, current * 1e6, 1e21));
    return fc.oneof(...values).map((value) => ({ kind: 'replace' as const, path, value }));
  });
  const unknown = fc.constantFrom(...objects).chain((path) => {
    const current = getAt(config, path) as Record<string, Json>;
    const siblings = Object.keys(current);
    const key = siblings.length
      ? fc.oneof(
          fc.constantFrom(...siblings).chain(misspell),
          fc.constantFrom('extra', 'gatez', '<<', 'Model'),
        )
      : fc.constantFrom('extra', 'gatez');
    return key
      .filter((k) => !siblings.includes(k))
      .map((k) => ({ kind: 'unknown-key' as const, path, key: k }));
  });
  const remove = fc
    .constantFrom<KeyPath>(['dataset'], ['model'], ['model', 'path'], ['dataset', 'root'])
    .map((path) => ({ kind: 'delete' as const, path }));
  return fc
    .oneof({ weight: 4, arbitrary: replace }, { weight: 2, arbitrary: unknown }, remove)
    .filter((m) =>
      refusedAt(applyMutation(config, m), m.kind === 'unknown-key' ? [...m.path, m.key] : m.path),
    );
}

/** The schema refuses `config` with an issue at or under `path` (an unknown key: at the key). */
function refusedAt(config: Json, path: KeyPath): boolean {
  const parsed = configSchema.safeParse(config);
  if (parsed.success) return false;
  return parsed.error.issues.some((issue) => {
    const p = issue.path.map((x) => (typeof x === 'symbol' ? String(x) : x));
    if (issue.code === 'unrecognized_keys') p.push(...issue.keys);
    return path.every((part, i) => p[i] === part);
  });
}

// ------------------------------------------- configs the schema takes but the run must refuse

/**
 * A config that passes the schema but contradicts the model, the class list or the dataset, or
 * points at a file that is not there. `anchors`: the message must contain one of them.
 */
export interface SemanticFault {
  kind: string;
  edit: (config: { [key: string]: Json }) => { [key: string]: Json };
  anchors: string[];
}

const setIn = (
  config: { [key: string]: Json },
  path: KeyPath,
  value: Json,
): { [key: string]: Json } => {
  const copy = structuredClone(config);
  let node = copy as Record<string | number, Json>;
  for (const p of path.slice(0, -1)) {
    if (node[p] === undefined || node[p] === null || typeof node[p] !== 'object') node[p] = {};
    node = node[p] as Record<string | number, Json>;
  }
  node[path.at(-1)!] = value;
  return copy;
};

/** The faults that apply to `ctx` (each needs something of the model or dataset to contradict). */
export function semanticFaults(ctx: ConfigContext): SemanticFault[] {
  const m = ctx.model;
  const input = ['model', 'input'];
  const at = (...p: KeyPath) => [...input, ...p];
  const faults: SemanticFault[] = [
    { kind: 'size', edit: (c) => setIn(c, at('size'), 16), anchors: ['model.input.size'] },
    {
      kind: 'channels',
      edit: (c) => setIn(c, at('channels'), m.channels === 1 ? 'rgb' : 'gray'),
      anchors: ['model.input.channels'],
    },
    {
      kind: 'dtype',
      edit: (c) => setIn(c, at('dtype'), m.dtype === 'uint8' ? 'float32' : 'uint8'),
      anchors: ['model.input.dtype'],
    },
    {
      kind: 'layout',
      edit: (c) => setIn(c, at('layout'), m.layout === 'NCHW' ? 'NHWC' : 'NCHW'),
      anchors: ['model.input.layout'],
    },
    {
      kind: 'input-name',
      edit: (c) => setIn(c, at('name'), 'pixels'),
      anchors: ['model.input.name'],
    },
    {
      kind: 'output-name',
      edit: (c) => setIn(c, ['model', 'output', 'name'], 'scores'),
      anchors: ['model.output.name'],
    },
    {
      kind: 'resize-to',
      edit: (c) => setIn(c, at('resize'), { mode: 'center-crop', resizeTo: 4 }),
      anchors: ['model.input.resize.resizeTo'],
    },
    {
      kind: 'class-count',
      edit: (c) => setIn(c, ['dataset', 'classes'], [...ctx.dataset.classes, 'one-more']),
      anchors: ['dataset.classes'],
    },
    {
      kind: 'classes-file',
      edit: (c) => setIn(c, ['dataset', 'classes'], 'no-such-classes.txt'),
      anchors: ['no-such-classes.txt'],
    },
    {
      kind: 'pinned-file',
      edit: (c) => setIn(c, ['pinned', 'file'], 'no-such-pinned.txt'),
      anchors: ['no-such-pinned.txt'],
    },
    {
      kind: 'model-file',
      edit: (c) => setIn(c, ['model', 'path'], 'models/no-such-model.onnx'),
      anchors: ['no-such-model.onnx'],
    },
    {
      kind: 'baseline-file',
      edit: (c) => setIn(c, ['baseline'], { model: 'models/no-such-baseline.onnx' }),
      anchors: ['no-such-baseline.onnx'],
    },
    {
      kind: 'root',
      edit: (c) => setIn(c, ['dataset', 'root'], 'no-such-root'),
      anchors: ['no-such-root'],
    },
    {
      kind: 'metric',
      edit: (c) => setIn(c, ['gates'], [{ metric: 'acurracy', min: 0.5 }]),
      anchors: ['gates[0].metric'],
    },
    {
      kind: 'top-k',
      edit: (c) => setIn(c, ['gates'], [{ metric: `top${m.outputs}_accuracy`, min: 0.5 }]),
      anchors: ['gates[0].metric'],
    },
    {
      kind: 'metrics-top-k',
      edit: (c) => setIn(c, ['metrics'], { topK: [1, m.outputs + 1] }),
      anchors: ['metrics.topK'],
    },
    {
      kind: 'per-class-metric',
      edit: (c) => setIn(c, ['gates'], [{ metric: 'recall[no-such-class]', min: 0.5 }]),
      anchors: ['gates[0].metric'],
    },
    {
      kind: 'gate-column',
      edit: (c) =>
        setIn(c, ['gates'], [{ metric: 'accuracy', scope: 'column:no-such-column', min: 0.5 }]),
      anchors: ['gates[0].scope'],
    },
    {
      kind: 'slices-column',
      edit: (c) => setIn(c, ['slices', 'columns'], ['no-such-column']),
      anchors: ['slices.columns'],
    },
    {
      kind: 'crossing-column',
      edit: (c) => setIn(c, ['slices', 'crossings'], [['no-such-column', 'another']]),
      anchors: ['slices.crossings'],
    },
    {
      kind: 'metadata-column',
      edit: (c) => setIn(c, ['dataset', 'metadata'], ['no-such-column']),
      anchors: ['dataset.metadata'],
    },
    {
      kind: 'discovery-column',
      edit: (c) => setIn(c, ['discovery', 'columns'], ['no-such-column']),
      anchors: ['discovery.columns'],
    },
    {
      kind: 'bias-attribute',
      edit: (c) => setIn(c, ['data'], { bias: { attributes: ['no-such-column'] } }),
      anchors: ['data.bias.attributes'],
    },
  ];
  if (m.dtype === 'float32') {
    faults.push(
      {
        kind: 'mean-length',
        edit: (c) => setIn(c, at('mean'), [0.1, 0.2]),
        anchors: ['model.input.mean'],
      },
      { kind: 'std-zero', edit: (c) => setIn(c, at('std'), 0), anchors: ['model.input.std'] },
    );
  } else {
    faults.push({
      kind: 'uint8-mean',
      edit: (c) => setIn(c, at('mean'), 0.5),
      anchors: ['model.input.mean'],
    });
  }
  if (ctx.dataset.kind !== 'imagefolder' && ctx.dataset.kind !== 'hf')
    faults.push({
      kind: 'path-column',
      edit: (c) => setIn(c, ['dataset', 'columns'], { path: 'no-such-column' }),
      anchors: ['dataset.columns.path'],
    });
  return faults;
}
