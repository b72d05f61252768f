import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot, schemaFiles } from '../../scripts/write-schemas.js';
import { loadConfig } from '../../src/config/load.js';
import { reportSchema } from '../../src/report/schema.js';
import { sampleReport } from '../support/sample-report.js';

const readJson = async (rel: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(path.join(repoRoot, rel), 'utf8')) as Record<string, unknown>;

const EXAMPLE_CONFIG = path.join(repoRoot, 'examples/fashion/visiongate.yml');

describe('published JSON Schemas', () => {
  it('the committed files equal what scripts/write-schemas.ts generates (run `npm run schema`)', async () => {
    const generated = await schemaFiles();
    expect(Object.keys(generated).sort()).toEqual([
      'docs/config-reference.md',
      'docs/workflows/baseline.yml',
      'docs/workflows/nightly.yml',
      'docs/workflows/pr.yml',
      'schemas/report.schema.json',
      'schemas/visiongate.schema.json',
    ]);
    for (const [rel, text] of Object.entries(generated)) {
      const committed = await readFile(path.join(repoRoot, rel), 'utf8');
      expect(committed, `${rel} is stale: run npm run schema`).toBe(text);
    }
  });

  it('carry $id and title', async () => {
    const config = await readJson('schemas/visiongate.schema.json');
    const report = await readJson('schemas/report.schema.json');
    expect(config.$id).toEqual(expect.any(String));
    expect(config.title).toContain('visiongate.yml');
    expect(report.$id).toEqual(expect.any(String));
    expect(report.$id).not.toBe(config.$id);
    expect(report.title).toContain('report.json');
  });

  it('the config schema describes the input shape: only dataset and model are required', async () => {
    const config = await readJson('schemas/visiongate.schema.json');
    expect(config.required).toEqual(['dataset', 'model']);
  });

  it('the example config validates with both zod and the JSON Schema', async () => {
    const loaded = await loadConfig(EXAMPLE_CONFIG);
    expect(loaded.config.name).toBe('fashion');

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(await readJson('schemas/visiongate.schema.json'));
    const raw: unknown = parseYaml(await readFile(EXAMPLE_CONFIG, 'utf8'));
    const ok = validate(raw);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the JSON Schema refuses an unknown key, a bad enum value and a missing model', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(await readJson('schemas/visiongate.schema.json'));
    const base = { dataset: { root: 'd' }, model: { path: 'm.onnx' } };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, gatez: [] })).toBe(false);
    expect(validate({ ...base, dataset: { root: 'd', format: 'xml' } })).toBe(false);
    expect(validate({ model: base.model })).toBe(false);
  });

  it('a hand-built report validates against zod and the JSON Schema; a wrong version does not', async () => {
    const report = sampleReport();
    expect(reportSchema.safeParse(report).success).toBe(true);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(await readJson('schemas/report.schema.json'));
    expect(validate(report)).toBe(true);
    expect(validate({ ...report, schemaVersion: 2 })).toBe(false);
    const { verdict: _verdict, ...withoutVerdict } = report;
    expect(validate(withoutVerdict)).toBe(false);
  });
});
