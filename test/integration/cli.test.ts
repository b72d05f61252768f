import { cp, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import type { PredictionRecord } from '../../src/tasks/classification/records.js';
import { cli } from '../support/cli.js';
import { HOSTILE, MARKER, writeHostileDataset } from '../support/hostile-dataset.js';
import { runnerCommands } from '../support/workflow-commands.js';

const repo = path.resolve(import.meta.dirname, '../..');
const example = path.join(repo, 'examples/fashion');

async function readReport(dir: string): Promise<Report> {
  return JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as Report;
}

async function readRecords(dir: string): Promise<PredictionRecord[]> {
  return (await readFile(path.join(dir, 'records.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PredictionRecord);
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('visiongate run on the bundled example', () => {
  let out: string;
  let report: Report;
  let code: number;
  beforeAll(async () => {
    out = path.join(tmp, 'example');
    ({ code } = await cli([
      'run',
      '--config',
      path.join(example, 'visiongate.yml'),
      '--out',
      out,
      '--quiet',
    ]));
    report = await readReport(out);
  });

  it('finds the regression on dim images and fails the gate', () => {
    expect(code).toBe(1);
    expect(report.verdict).toBe('fail');
    const dim = report.slices.find((s) => s.key === 'lighting=dim')!;
    expect(dim.newlyFailing).toBe(true);
    expect(dim.delta!.accuracy!).toBeLessThan(-0.1);
    const normal = report.slices.find((s) => s.key === 'lighting=normal')!;
    // The candidate was trained without dim images: normal lighting barely moves.
    expect(Math.abs(normal.delta!.accuracy!)).toBeLessThan(Math.abs(dim.delta!.accuracy!) / 2);
  });

  it('opens the comment with lighting=dim as the finding; no slice that follows the overall drop', async () => {
    // Tested against the rest of the data, not only against the baseline: source=phone and
    // source=scanner partition the set and both drop with it (−6.3 and −5.3 pp vs −5.7 overall).
    expect(report.findings[0]).toBe('lighting=dim');
    for (const key of ['source=phone', 'source=scanner', 'lighting=normal', 'site=site-b'])
      expect(report.findings).not.toContain(key);
    const newly = report.slices.filter((s) => s.newlyFailing).map((s) => s.key);
    expect(newly).toEqual(expect.arrayContaining(['lighting=dim']));
    expect(newly).not.toContain('source=phone');
    // The crossings of lighting=dim add nothing beyond it: collapsed, not listed.
    const cross = report.slices.find((s) => s.key === 'lighting=dim & source=scanner')!;
    expect(cross.excess?.collapsedInto).toBe('lighting=dim');
    expect(report.findings).not.toContain('lighting=dim & source=scanner');

    const md = await readFile(path.join(out, 'report.md'), 'utf8');
    const sections = md.split('\n\n');
    // Title, the comparison line, then the findings.
    expect(sections[2]).toMatch(/^### 🔎 \d+ slices? got worse than the rest of the data$/);
    const firstRow = sections[3]!.split('\n')[2]!;
    expect(firstRow).toContain('**lighting=dim**');
    // Above the collapsed details, no table row is about a slice that followed the overall drop.
    const visible = md.slice(0, md.indexOf('<details'));
    const row = (key: string) => new RegExp(`^\\| [^|]*\\| \\**${key}\\**[ |]`, 'm');
    expect(visible).toMatch(row('lighting=dim'));
    for (const key of ['source=phone', 'source=scanner', 'lighting=normal'])
      expect(visible).not.toMatch(row(key));
  });

  it('every count in the comment matches its table', async () => {
    const md = await readFile(path.join(out, 'report.md'), 'utf8');
    const block = (title: RegExp) => {
      const at = md.search(title);
      expect(at).toBeGreaterThanOrEqual(0);
      const rest = md.slice(at);
      const table = rest.split('\n\n')[1]!;
      return { heading: rest.split('\n')[0]!, rows: table.split('\n').slice(2) };
    };
    const gates = block(/^### Gates: /m);
    const [, failed, warned] = /(\d+) failed, (\d+) warnings?/.exec(gates.heading)!;
    expect(gates.rows.filter((r) => r.startsWith('| ❌'))).toHaveLength(Number(failed));
    expect(gates.rows.filter((r) => r.startsWith('| ⚠️'))).toHaveLength(Number(warned));
    const findings = block(/^### 🔎 /m);
    const [, count] = /### 🔎 (\d+) slices? got worse/.exec(findings.heading)!;
    expect(findings.rows).toHaveLength(Number(count));
    expect(report.findings).toHaveLength(Number(count));
    // The headline says the same numbers.
    const { headline } = await import('../../src/report/headline.js');
    expect(headline(report)).toContain(`${failed} gate rule(s) failed`);
    expect(headline(report)).toContain(
      `${report.slices.filter((s) => s.newlyFailing).length} newly failing slice(s)`,
    );
    expect(report.slices.filter((s) => s.newlyFailing)).toHaveLength(Number(count));
  });

  it('says which corruption set ran (the benchmark 15, where the docs count all 19)', async () => {
    const md = await readFile(path.join(out, 'report.md'), 'utf8');
    expect(md).toContain('15 corruptions (the ImageNet-C benchmark set;');
  });

  it('writes a report.json that validates against schemas/report.schema.json, every suite typed', async () => {
    const schema = JSON.parse(
      await readFile(path.join(repo, 'schemas/report.schema.json'), 'utf8'),
    ) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const json = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(json.suites as object)).toEqual(['data', 'robustness']);
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    // Typed all the way down: an unknown field inside a suite's result is refused.
    const robustness = (json.suites as { robustness: Record<string, unknown> }).robustness;
    const data = (json.suites as { data: { checks: { bias: Record<string, unknown> } } }).data;
    expect(
      validate({
        ...json,
        suites: { ...(json.suites as object), robustness: { ...robustness, extra: 1 } },
      }),
    ).toBe(false);
    expect(
      validate({
        ...json,
        suites: {
          ...(json.suites as object),
          data: {
            ...data,
            checks: { ...data.checks, bias: { ...data.checks.bias, maxAccuracyGap: 'x' } },
          },
        },
      }),
    ).toBe(false);
  });

  it('reports accuracies that agree with the independent PyTorch evaluation of the same images', async () => {
    // examples/fashion/models/accuracy.json was written by scripts/make-example.py (PIL decoding + PyTorch).
    const torch = JSON.parse(
      await readFile(path.join(example, 'models/accuracy.json'), 'utf8'),
    ) as {
      exampleSlices: Record<'baseline' | 'candidate', Record<string, number>>;
    };
    const tol = 1.5 / 600; // at most one example may flip from a JPEG decoder difference
    expect(
      Math.abs(report.overall.candidate.accuracy! - torch.exampleSlices.candidate.all!),
    ).toBeLessThanOrEqual(tol);
    expect(
      Math.abs(report.overall.baseline!.accuracy! - torch.exampleSlices.baseline.all!),
    ).toBeLessThanOrEqual(tol);
    for (const [key, acc] of Object.entries(torch.exampleSlices.candidate)) {
      if (key === 'all') continue;
      const slice = report.slices.find((s) => s.key === key);
      expect(slice, key).toBeDefined();
      const n = slice!.n;
      expect(Math.abs(slice!.candidate.accuracy! - acc), key).toBeLessThanOrEqual(1.5 / n);
    }
  });

  it('writes records from which the report numbers can be recomputed', async () => {
    const records = await readRecords(out);
    const cand = records.filter((r) => r.model === 'candidate' && r.variant === 'clean');
    const base = records.filter((r) => r.model === 'baseline' && r.variant === 'clean');
    expect(cand).toHaveLength(600);
    expect(base).toHaveLength(600);
    const acc = (rs: PredictionRecord[]) => rs.filter((r) => r.pred === r.label).length / rs.length;
    expect(report.overall.candidate.accuracy).toBe(acc(cand));
    expect(report.overall.baseline!.accuracy).toBe(acc(base));
    // Newly failing examples: baseline right, candidate wrong.
    const baseById = new Map(base.map((r) => [r.id, r]));
    const newlyFailing = cand.filter(
      (r) => r.pred !== r.label && baseById.get(r.id)!.pred === r.label,
    );
    expect(report.examples.counts.newlyFailing).toBe(newlyFailing.length);
    for (const r of cand) expect(r.probs).toHaveLength(10);
  });

  it('gives the same comparison from a stored baseline as from the baseline model', async () => {
    const stored = path.join(tmp, 'stored-baseline');
    // Store: evaluate the baseline model as the candidate, without a baseline.
    const s = await cli([
      'run',
      '--config',
      path.join(example, 'visiongate.yml'),
      '--out',
      stored,
      '--quiet',
      '--model',
      path.join(example, 'models/baseline.onnx'),
      '--no-baseline',
    ]);
    expect([0, 1]).toContain(s.code);
    const viaStored = path.join(tmp, 'via-stored');
    const r = await cli([
      'run',
      '--config',
      path.join(example, 'visiongate.yml'),
      '--out',
      viaStored,
      '--quiet',
      '--baseline',
      stored,
    ]);
    expect(r.code).toBe(1);
    const a = report;
    const b = await readReport(viaStored);
    expect(b.comparison.baseline).toBe('stored');
    expect(b.comparison.paired).toBe(600);
    expect(b.overall.delta).toEqual(a.overall.delta);
    expect(b.slices).toEqual(a.slices);
    expect(b.gates).toEqual(a.gates);
    expect(b.examples).toEqual(a.examples);
  });
});

describe('slice discovery on the bundled example', () => {
  it('finds the regressed lighting=dim slice without it being declared', async () => {
    const cfgText = (await readFile(path.join(example, 'visiongate.yml'), 'utf8')).replace(
      /slices:\n(  .*\n)+/,
      'slices:\n  columns: []\n  classes: false\n',
    );
    expect(cfgText).toContain('columns: []');
    // Same config from a temp folder: its relative paths point back into the example.
    const cfg = path.join(tmp, 'discovery.yml');
    await writeFile(
      cfg,
      cfgText.replace(
        /(: |\[)(data|models)\b/g,
        (_m, pre: string, dir: string) => `${pre}${example}/${dir}`,
      ),
    );
    {
      const out = path.join(tmp, 'discovery');
      await cli(['run', '--config', cfg, '--out', out, '--quiet']);
      const report = await readReport(out);
      expect(report.slices.filter((s) => s.kind !== 'discovered')).toHaveLength(0);
      const regressions = report.slices.filter((s) => s.discovered?.target === 'regressions');
      expect(regressions.length).toBeGreaterThan(0);
      const dim = regressions.filter((s) =>
        s.predicates.some((p) => p.column === 'lighting' && p.value === 'dim'),
      );
      expect(dim.length).toBeGreaterThan(0);
      // No discovered regression slice is about normal lighting: the planted cause is found.
      expect(
        regressions.some((s) =>
          s.predicates.some((p) => p.column === 'lighting' && p.value === 'normal'),
        ),
      ).toBe(false);
      const top = dim[0]!;
      expect(top.newlyFailing).toBe(true);
      expect(top.stats!.significant).toBe(true);
      // The recorded size is the number of examples matching every predicate.
      const matching = (await readRecords(out)).filter((r) => r.model === 'candidate').length;
      expect(top.n).toBeLessThan(matching);
    }
  });
});

describe('bad input gets a clear error and exit code 2', () => {
  /** A 40-image copy of the example dataset we can break. */
  async function smallDataset(name: string): Promise<string> {
    const dir = path.join(tmp, name);
    await cp(path.join(example, 'models'), path.join(dir, 'models'), { recursive: true });
    await cp(path.join(example, 'data/classes.txt'), path.join(dir, 'data/classes.txt'));
    const lines = (await readFile(path.join(example, 'data/manifest.csv'), 'utf8'))
      .trim()
      .split('\n');
    const rows = lines.slice(1, 41);
    for (const row of rows) {
      const rel = row.split(',')[1]!;
      await cp(path.join(example, 'data', rel), path.join(dir, 'data', rel));
    }
    await writeFile(path.join(dir, 'data/manifest.csv'), `${[lines[0], ...rows].join('\n')}\n`);
    await writeFile(
      path.join(dir, 'visiongate.yml'),
      [
        'name: small',
        'dataset: { root: data, manifest: data/manifest.csv, classes: data/classes.txt }',
        'model:',
        '  path: models/candidate.onnx',
        '  input: { scale: 0.00392156862745098, mean: 0.286, std: 0.353 }',
        'slices: { minSupport: 5 }',
        'gates:',
        '  - { metric: accuracy, min: 0.1 }',
        '',
      ].join('\n'),
    );
    return dir;
  }
  const run = (dir: string, extra: string[] = []) =>
    cli([
      'run',
      '--config',
      path.join(dir, 'visiongate.yml'),
      '--out',
      path.join(dir, 'out'),
      '--quiet',
      ...extra,
    ]);
  const firstImage = async (dir: string) =>
    (await readFile(path.join(dir, 'data/manifest.csv'), 'utf8')).split('\n')[1]!.split(',');

  it('passes on the intact small copy (the fixture itself is sound)', async () => {
    const dir = await smallDataset('intact');
    expect((await run(dir)).code).toBe(0);
    // Without the data suite nothing reads full probability vectors, so records stay compact.
    const records = await readRecords(path.join(dir, 'out'));
    expect(records).toHaveLength(40);
    expect(records.every((r) => r.probs === undefined)).toBe(true);
  });

  it('names a truncated image', async () => {
    const dir = await smallDataset('corrupt');
    const [id, rel] = await firstImage(dir);
    await truncate(path.join(dir, 'data', rel!), 60);
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1 image(s) could not be read');
    expect(r.stderr).toContain(id!);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('names a missing file', async () => {
    const dir = await smallDataset('missing');
    const [, rel] = await firstImage(dir);
    await unlink(path.join(dir, 'data', rel!));
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1 image file(s) not found');
    expect(r.stderr).toContain(rel!);
  });

  it('names a label that is not in the class list', async () => {
    const dir = await smallDataset('label');
    const manifest = path.join(dir, 'data/manifest.csv');
    const lines = (await readFile(manifest, 'utf8')).split('\n');
    const cells = lines[1]!.split(',');
    cells[2] = 'Jumpsuit';
    lines[1] = cells.join(',');
    await writeFile(manifest, lines.join('\n'));
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('labels not in the class list');
    expect(r.stderr).toContain('"Jumpsuit"');
    expect(r.stderr).toContain(cells[0]!);
  });

  it('refuses a path that escapes the dataset root', async () => {
    const dir = await smallDataset('escape');
    const manifest = path.join(dir, 'data/manifest.csv');
    const lines = (await readFile(manifest, 'utf8')).split('\n');
    const cells = lines[2]!.split(',');
    cells[1] = '../visiongate.yml';
    lines[2] = cells.join(',');
    await writeFile(manifest, lines.join('\n'));
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('escape the dataset root');
    expect(r.stderr).toContain('manifest.csv:3');
  });

  it('refuses an input size that contradicts the model', async () => {
    const dir = await smallDataset('shape');
    const cfg = path.join(dir, 'visiongate.yml');
    await writeFile(cfg, (await readFile(cfg, 'utf8')).replace('input: {', 'input: { size: 32,'));
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('model.input.size is [32, 32] but input input');
    expect(r.stderr).toContain('expects [28, 28]');
  });

  it('points at the key and line of an invalid config', async () => {
    const dir = await smallDataset('config');
    const cfg = path.join(dir, 'visiongate.yml');
    await writeFile(
      cfg,
      (await readFile(cfg, 'utf8')).replace(
        '- { metric: accuracy, min: 0.1 }',
        '- { metric: accuracy, min: 0.1, level: fatal }',
      ),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('visiongate.yml:8: gates[0].level: must be one of "fail", "warn"');
  });

  it('names an unknown metric in a gate with its line', async () => {
    const dir = await smallDataset('metric');
    const cfg = path.join(dir, 'visiongate.yml');
    await writeFile(
      cfg,
      (await readFile(cfg, 'utf8')).replace('metric: accuracy', 'metric: acuracy'),
    );
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/visiongate\.yml:8: gates\[0\]\.metric: unknown metric "acuracy"/);
  });

  it('refuses a gate scoped to a slice, column or class the data does not have, before evaluating', async () => {
    // Each used to match nothing and pass: "All 0 gate checks passed", exit 0.
    const dir = await smallDataset('scopes');
    const cfg = path.join(dir, 'visiongate.yml');
    const original = await readFile(cfg, 'utf8');
    const cases: [string, string][] = [
      [
        'slice:lighting=night',
        'visiongate.yml:8: gates[0].scope: no example has lighting=night; the data has "dim", "normal"',
      ],
      [
        'slice:lighting=dimm',
        'visiongate.yml:8: gates[0].scope: no example has lighting=dimm; did you mean "dim"? the data has "dim", "normal"',
      ],
      [
        'column:lihgting',
        'visiongate.yml:8: gates[0].scope: no metadata column "lihgting"; did you mean "lighting"? the data has "lighting", "source", "site"',
      ],
      [
        'slice:class=Cot',
        'visiongate.yml:8: gates[0].scope: no class "Cot"; did you mean "Coat"? the data has "Coat", "T-shirt/top"',
      ],
      [
        'slice:lighting=dim & sorce=phone',
        'visiongate.yml:8: gates[0].scope: no metadata column "sorce"; did you mean "source"?',
      ],
    ];
    for (const [scope, message] of cases) {
      await writeFile(
        cfg,
        original.replace(
          '{ metric: accuracy, min: 0.1 }',
          `{ metric: accuracy, min: 0.1, scope: "${scope}" }`,
        ),
      );
      const r = await cli(['run', '-c', cfg, '-o', path.join(dir, 'out'), '--no-progress']);
      expect(r.code, scope).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain('evaluating');
    }
  });

  it('a gate on a slice under slices.minSupport is not evaluated: a warning, not a pass', async () => {
    const dir = await smallDataset('small-slice');
    const cfg = path.join(dir, 'visiongate.yml');
    await writeFile(
      cfg,
      (await readFile(cfg, 'utf8'))
        .replace('slices: { minSupport: 5 }', 'slices: { minSupport: 35 }')
        .replace(
          '{ metric: accuracy, min: 0.1 }',
          '{ metric: accuracy, min: 0.1, scope: "slice:lighting=dim" }',
        ),
    );
    const r = await run(dir);
    expect(r.code).toBe(0);
    const report = await readReport(path.join(dir, 'out'));
    expect(report.verdict).toBe('warn');
    const gate = report.gates.find((g) => g.scope === 'slice:lighting=dim')!;
    expect(gate.status).toBe('warn');
    expect(gate.reason).toMatch(
      /^not evaluated: slice lighting=dim has \d+ examples, fewer than slices\.minSupport \(35\)/,
    );
    const md = await readFile(path.join(dir, 'out/report.md'), 'utf8');
    expect(md).toContain('not evaluated: slice lighting=dim');
    expect(md).not.toContain('gate rules passed');
  });

  it('refuses a top-k gate with k at or above the class count before evaluating: exit 2', async () => {
    const dir = await smallDataset('top20');
    const cfg = path.join(dir, 'visiongate.yml');
    await writeFile(
      cfg,
      (await readFile(cfg, 'utf8')).replace('metric: accuracy', 'metric: top20_accuracy'),
    );
    const r = await cli(['run', '-c', cfg, '-o', path.join(dir, 'out'), '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'visiongate.yml:8: gates[0].metric: top20_accuracy: the class list (class file data/classes.txt) has 10 classes',
    );
    expect(r.stderr).not.toContain('evaluating');
  });

  it('refuses a metrics.topK entry above the class count, naming its line', async () => {
    const dir = await smallDataset('topk');
    const cfg = path.join(dir, 'visiongate.yml');
    await writeFile(cfg, `${await readFile(cfg, 'utf8')}metrics:\n  topK: [1, 20]\n`);
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('visiongate.yml:10: metrics.topK[1]: 20 is more than the number');
  });

  it('computes a top-k gate whose k is not in metrics.topK (it crashed: "not computed")', async () => {
    const dir = await smallDataset('top3');
    const cfg = path.join(dir, 'visiongate.yml');
    await writeFile(
      cfg,
      (await readFile(cfg, 'utf8')).replace(
        '- { metric: accuracy, min: 0.1 }',
        '- { metric: top3_accuracy, min: 0.1 }',
      ),
    );
    const r = await run(dir);
    expect(r.code, r.stderr).toBe(0);
    const report = await readReport(path.join(dir, 'out'));
    // By hand from the records: the true class ranks 0, 1 or 2.
    const records = await readRecords(path.join(dir, 'out'));
    const top3 = records.filter((x) => x.rank < 3).length / records.length;
    expect(report.overall.candidate.top3_accuracy).toBe(top3);
    expect(report.gates[0]).toMatchObject({ metric: 'top3_accuracy', value: top3, status: 'pass' });
  });

  it('rejects a model that is not ONNX', async () => {
    const dir = await smallDataset('notonnx');
    await writeFile(path.join(dir, 'models/candidate.onnx'), 'this is not a model');
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/candidate\.onnx/);
  });

  it('exits 2 on a usage error', async () => {
    const r = await cli(['run', '--out', path.join(tmp, 'x')]);
    expect(r.code).toBe(2);
  });
});

describe('baseline reuse', () => {
  it('uses a stored run of the baseline model instead of running it, with an identical report', async () => {
    const config = path.join(example, 'visiongate.yml');
    const stored = path.join(tmp, 'reuse-store');
    await cli([
      'run',
      '-c',
      config,
      '-o',
      stored,
      '-q',
      '--model',
      path.join(example, 'models/baseline.onnx'),
      '--no-baseline',
    ]);
    const direct = path.join(tmp, 'reuse-direct');
    await cli(['run', '-c', config, '-o', direct, '-q']);
    const reused = path.join(tmp, 'reuse-reused');
    await cli(['run', '-c', config, '-o', reused, '-q', '--reuse-baseline', stored]);
    const a = await readReport(direct);
    const b = await readReport(reused);
    expect(b.notices.join('\n')).toMatch(/The baseline model was not run: \d+ records reused/);
    const strip = (r: Report) => ({ ...r, createdAt: '', timing: {}, notices: [] });
    expect(strip(b)).toEqual(strip(a));
  });

  it('runs the model when the stored run came from another model', async () => {
    const config = path.join(example, 'visiongate.yml');
    const other = path.join(tmp, 'reuse-other');
    await cli(['run', '-c', config, '-o', other, '-q', '--no-baseline']); // the candidate model
    const out = path.join(tmp, 'reuse-refused');
    await cli(['run', '-c', config, '-o', out, '-q', '--reuse-baseline', other]);
    const r = await readReport(out);
    expect(r.notices.join('\n')).toContain(
      'was not reused for the baseline model: it was made with another model',
    );
    expect(r.comparison.baseline).toBe('model');
  });
});

describe('hostile dataset strings on stderr', () => {
  /** Raw control characters (a newline between lines aside), bidi controls, line separators. */
  const RAW_CONTROL =
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  const runOn = async (name: string, options: Parameters<typeof writeHostileDataset>[1] = {}) => {
    const dir = path.join(tmp, `hostile-${name}`);
    const config = await writeHostileDataset(dir, options);
    return cli(['run', '-c', config, '-o', path.join(dir, 'out'), '--no-progress']);
  };

  it('shows every control character as an escape and runs no workflow command', async () => {
    // One after the other: cli() captures stderr by replacing process.stderr.write.
    const runs = [
      await runOn('ok'),
      await runOn('dup', { extraRows: [`"${HOSTILE.id}",images/green-0.png,green,b,day`] }),
      await runOn('missing', {
        extraRows: [`x9,"images/gone\n::add-mask::${MARKER}.png",green,b,day`],
      }),
    ];
    expect(runs.map((r) => r.code)).toEqual([1, 2, 2]);
    for (const r of runs) {
      const raw = RAW_CONTROL.exec(r.stderr);
      expect(raw && JSON.stringify(r.stderr.slice(raw.index - 40, raw.index + 40))).toBeNull();
      expect(runnerCommands(r.stderr)).toEqual([]);
    }
    expect(runs[0]!.stderr).toContain(
      `metadata columns: camera\\n::warning title=${MARKER}::header`,
    );
    expect(runs[1]!.stderr).toContain(`"red-1\\r\\n::add-mask::${MARKER}"`);
    expect(runs[2]!.stderr).toContain(`images/gone\\n::add-mask::${MARKER}.png`);
  });

  it('a usage error quoting an argument with a line break runs no command either', async () => {
    const r = await cli(['run', '-c', 'x.yml', `--bogus\n::add-mask::${MARKER}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus");
    expect(runnerCommands(r.stderr)).toEqual([]);
  });
});
