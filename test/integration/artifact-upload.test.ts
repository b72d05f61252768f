/**
 * The artifact upload (src/github/artifact-upload.ts, the real @actions/artifact client) against
 * the fake results service: the zip that reaches the blob holds the output folder, the link is
 * the artifact's page, a failed upload is a warning, and the fake rejects malformed requests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unzipArtifact } from '../../src/github/artifact-baseline.js';
import { createArtifactPort, uploadReportArtifact } from '../../src/github/artifact-upload.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';

let fake: FakeGitHub;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  fake = await startFakeGitHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'vg-artifact-'));
  await writeFile(path.join(dir, 'report.html'), '<!doctype html><title>r</title>');
  await writeFile(path.join(dir, 'report.json'), '{"schemaVersion":1}');
});

afterEach(() => {
  process.env = { ...saved };
});

afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const files = () => ['report.html', 'report.json'].map((f) => path.join(dir, f));
const target = { server: 'https://github.com/', repository: 'octo/models', runId: '77' };

describe('uploading the output folder as an artifact', () => {
  it('is unavailable outside a runner, and says why', () => {
    expect(createArtifactPort({}).port).toBeUndefined();
  });

  it('uploads the files as one zip and links the artifact page', async () => {
    const env = {
      ACTIONS_RUNTIME_TOKEN: fake.results.runtimeToken,
      ACTIONS_RESULTS_URL: `${fake.url}/`,
    };
    Object.assign(process.env, env);
    const { port } = createArtifactPort(env);
    const r = await uploadReportArtifact(port!, { name: 'vg-one', dir, files: files(), ...target });
    expect(r.warnings).toEqual([]);
    const artifact = fake.results.artifacts.find((a) => a.name === 'vg-one')!;
    expect(r.url).toBe(`https://github.com/octo/models/actions/runs/77/artifacts/${artifact.id}`);
    expect(artifact.finalized).toBe(true);
    const unzipped = unzipArtifact(artifact.bytes, 1 << 20);
    expect(Buffer.from(unzipped.get('report.json')!).toString()).toBe('{"schemaVersion":1}');
    expect([...unzipped.keys()].sort()).toEqual(['report.html', 'report.json']);
    expect(fake.results.violations).toEqual([]);

    // The same name twice in one run: the service refuses, the upload becomes a warning.
    const again = await uploadReportArtifact(port!, {
      name: 'vg-one',
      dir,
      files: files(),
      ...target,
    });
    expect(again.url).toBeUndefined();
    expect(again.warnings[0]).toMatch(/Could not upload the output folder as artifact "vg-one"/);
  });

  it('the fake rejects requests the real service would (unknown fields, wrong token)', async () => {
    const post = (body: unknown, token = fake.results.runtimeToken) =>
      fetch(`${fake.url}/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    const ids = { workflowRunBackendId: 'r', workflowJobRunBackendId: 'j' };
    const before = fake.results.violations.length;
    expect((await post({ ...ids, name: 'x', version: 7, colour: 'red' })).status).toBe(400);
    expect((await post({ ...ids, name: 'x', version: 7 }, 'not-the-token')).status).toBe(400);
    const found = fake.results.violations.slice(before).join('\n');
    expect(found).toMatch(/body does not match CreateArtifactRequest.*colour/);
    expect(found).toMatch(/not authorised with the runtime token/);
    expect(found).toMatch(/backend ids are not the ones the runtime token grants/);
  });
});
