/**
 * The CLI as npm users get it: `npm pack` of this checkout, `npm install --global` of the tarball
 * into an empty prefix, then `<prefix>/bin/visiongate` run from a workspace that is not the repo.
 * The run uses a model over the session-thread size and a corruption on a worker thread, so the
 * shipped worker bundles and the natives npm installed (not dist/node_modules) are all exercised.
 *
 * The install reads package metadata from the registry but takes the tarballs from npm's cache
 * when `npm ci` put them there (--prefer-offline): onnxruntime-node alone is over 100 MB.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_PROCESS_MAX_BYTES } from '../../src/model/runtime.js';
import type { Report } from '../../src/report/schema.js';
import { repoRoot } from '../support/action-runner.js';
import { docStringPadding } from '../support/onnx.js';

const run = promisify(execFile);
const INSTALL_TIMEOUT = 240_000;

interface PackInfo {
  filename: string;
  size: number;
  files: { path: string }[];
}

/**
 * The environment for the npm child processes: this one minus what an enclosing `npm test` sets
 * for its own lifecycle (npm_package_*, npm_config_prefix, ...), which would leak into the
 * install. ONNXRUNTIME_NODE_INSTALL=skip as docs/packaging.md tells Linux users: onnxruntime-node's
 * install script would otherwise fetch CUDA libraries from nuget.org.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') || keep.has(k)),
  );
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', NO_COLOR: '1' };
}

let tmp: string;
let pack: PackInfo;
let prefix: string;
let installed: string;
const bin = (): string => path.join(prefix, 'bin', 'visiongate');
const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-pack-'));
  const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], {
    cwd: repoRoot,
    env: npmEnv(),
    timeout: 60_000,
  });
  pack = (JSON.parse(packed.stdout) as PackInfo[])[0]!;
  prefix = path.join(tmp, 'prefix');
  await mkdir(prefix);
  await run(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      path.join(tmp, pack.filename),
    ],
    { cwd: tmp, env: npmEnv(), timeout: INSTALL_TIMEOUT },
  );
  installed = path.join(prefix, 'lib', 'node_modules', 'visiongate');
}, INSTALL_TIMEOUT + 60_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the npm package (npm pack, npm install --global)', () => {
  it('ships the CLI bundle, its workers, the schemas and the docs, and nothing else', () => {
    expect(pack.files.map((f) => f.path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'bin/visiongate.js',
      'dist/cli.js',
      'dist/session-worker.js',
      'dist/variant-worker.js',
      'package.json',
      'schemas/report.schema.json',
      'schemas/visiongate.schema.json',
    ]);
    expect(pack.size).toBeLessThan(1_000_000);
  });

  it('installs the natives npm resolves for this platform, at the versions the lockfile tested', async () => {
    // Not the Action's staged copies: the installed package has no dist/node_modules.
    expect(existsSync(path.join(installed, 'dist', 'node_modules'))).toBe(false);
    const lock = JSON.parse(await readFile(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    for (const name of ['onnxruntime-node', 'sharp']) {
      const manifest = JSON.parse(
        await readFile(path.join(installed, 'node_modules', name, 'package.json'), 'utf8'),
      ) as { version: string };
      expect(manifest.version, name).toBe(lock.packages[`node_modules/${name}`]!.version);
      expect(pkg.dependencies[name], `${name} is pinned exactly`).toBe(manifest.version);
    }
  });

  it('prints the version of package.json', async () => {
    const { stdout } = await run(bin(), ['--version'], { cwd: tmp, timeout: 30_000 });
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('runs a dataset and writes the report', async () => {
    // The colours dataset (test/fixtures/README.md): the colour-head model classifies all 16
    // images correctly with x/255, so accuracy is 1 and the gate passes.
    const work = path.join(tmp, 'work');
    await cp(path.join(repoRoot, 'test/fixtures/datasets/colors'), path.join(work, 'data'), {
      recursive: true,
    });
    const model = await readFile(path.join(repoRoot, 'test/fixtures/models/rgb-nchw-dynamic.onnx'));
    // Padded past IN_PROCESS_MAX_BYTES: the session runs on its thread (dist/session-worker.js).
    await writeFile(
      path.join(work, 'model.onnx'),
      Buffer.concat([model, docStringPadding(IN_PROCESS_MAX_BYTES)]),
    );
    const config = {
      name: 'packed',
      dataset: { root: 'data', manifest: 'data/manifest.csv', classes: 'data/classes.txt' },
      model: { path: 'model.onnx' },
      // One worker thread computes the corrupted images (dist/variant-worker.js).
      runtime: { workers: 1 },
      robustness: { corruptions: ['gaussian_noise'], severities: [1] },
      statistics: { resamples: 100 },
      gates: [{ metric: 'accuracy', min: 0.99 }],
    };
    await writeFile(path.join(work, 'visiongate.yml'), JSON.stringify(config, null, 2));
    const r = await run(
      bin(),
      ['run', '--config', 'visiongate.yml', '--out', 'out', '--no-progress'],
      { cwd: work, timeout: 120_000 },
    );
    expect(r.stderr).toContain('verdict: PASS');
    const report = JSON.parse(await readFile(path.join(work, 'out/report.json'), 'utf8')) as Report;
    expect(report.tool).toEqual({ name: 'visiongate', version: pkg.version });
    expect(report.verdict).toBe('pass');
    expect(report.dataset.examples).toBe(16);
    expect(report.overall.candidate.accuracy).toBe(1);
    expect(JSON.stringify(report.suites)).toContain('gaussian_noise');
  });
});
