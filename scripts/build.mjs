// Build the packaged Action and CLI into dist/ (see docs/packaging.md for why this shape).
//
//   node scripts/build.mjs            bundle src/ and stage the native runtime packages
//   node scripts/build.mjs --check    fail if the committed dist/ differs from a fresh build
//
// The JavaScript is one esbuild ESM bundle per entry with onnxruntime-node and sharp left
// external; those two (and their runtime dependencies) are copied from node_modules into
// dist/node_modules for linux-x64-glibc only, so the Action needs no install step on the runner.
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const args = new Set(process.argv.slice(2));

// Worker threads get bundles of their own next to the entry points; src/worker-entry.ts finds
// them as dist/<name>.js from any module of the main bundles.
const ENTRIES = {
  index: 'src/action-main.ts',
  cli: 'src/cli-main.ts',
  'variant-worker': 'src/engine/variant-worker.ts',
  'session-worker': 'src/model/session-worker.ts',
};
const EXTERNAL = ['onnxruntime-node', 'sharp'];
// Packages the runtime needs; adm-zip and global-agent are only used by onnxruntime-node's
// install script, which the Action never runs.
const INSTALL_ONLY = new Set(['adm-zip', 'global-agent']);
const PLATFORM_PACKAGES = ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64'];
const ORT_KEEP = path.join('bin', 'napi-v6', 'linux', 'x64');

async function bundle(outdir) {
  await esbuild.build({
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([k, v]) => [k, path.join(root, v)]),
    ),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    splitting: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    banner: {
      // Some bundled CommonJS dependencies call require(); ESM bundles need one made for them.
      js: "import { createRequire as __vgCreateRequire } from 'node:module'; const require = __vgCreateRequire(import.meta.url); globalThis.__VISIONGATE_BUNDLE__ = true;",
    },
  });
}

async function readJson(file) {
  return JSON.parse(await readFile(file, 'utf8'));
}

/** The runtime dependency closure of the external packages, as folders under node_modules. */
async function runtimePackages() {
  const seen = new Set();
  const queue = [...EXTERNAL, ...PLATFORM_PACKAGES];
  while (queue.length > 0) {
    const name = queue.shift();
    if (seen.has(name) || INSTALL_ONLY.has(name)) continue;
    const pkgFile = path.join(root, 'node_modules', name, 'package.json');
    let pkg;
    try {
      pkg = await readJson(pkgFile);
    } catch {
      throw new Error(`build: ${name} is not installed; run npm ci first`);
    }
    seen.add(name);
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push(dep);
  }
  return [...seen].sort();
}

async function stageNatives(target) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      'build: dist/node_modules is staged from a linux-x64 install; build on linux-x64',
    );
  }
  await rm(target, { recursive: true, force: true });
  for (const name of await runtimePackages()) {
    const from = path.join(root, 'node_modules', name);
    const to = path.join(target, name);
    await mkdir(path.dirname(to), { recursive: true });
    await cp(from, to, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(from, src);
        if (name === 'onnxruntime-node') {
          // Keep only the linux-x64 binaries and what the runtime loads.
          if (rel.startsWith('script')) return false;
          if (
            rel.startsWith(path.join('bin', 'napi-v6')) &&
            rel !== path.join('bin', 'napi-v6') &&
            !ORT_KEEP.startsWith(rel) &&
            !rel.startsWith(ORT_KEEP)
          )
            return false;
        }
        return (
          !/(^|\/)(\.github|test|tests|docs?|example|examples)(\/|$)/.test(rel) &&
          !rel.endsWith('.md') &&
          !rel.endsWith('.map') &&
          !rel.endsWith('.d.ts')
        );
      },
    });
  }
}

async function hashTree(dir) {
  const out = new Map();
  async function walk(d) {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else
        out.set(
          path.relative(dir, p),
          createHash('sha256')
            .update(await readFile(p))
            .digest('hex'),
        );
    }
  }
  await walk(dir);
  return out;
}

async function check() {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'visiongate-dist-'));
  try {
    await bundle(tmp);
    const problems = [];
    for (const name of Object.keys(ENTRIES)) {
      const fresh = await readFile(path.join(tmp, `${name}.js`));
      const committed = await readFile(path.join(dist, `${name}.js`)).catch(() => undefined);
      if (!committed || !fresh.equals(committed))
        problems.push(`dist/${name}.js differs from a fresh build of src/`);
    }
    await stageNatives(path.join(tmp, 'node_modules'));
    const want = await hashTree(path.join(tmp, 'node_modules'));
    const have = await hashTree(path.join(dist, 'node_modules')).catch(() => new Map());
    const diff = [...want.keys()]
      .filter((k) => want.get(k) !== have.get(k))
      .concat([...have.keys()].filter((k) => !want.has(k)));
    if (diff.length > 0)
      problems.push(
        `dist/node_modules differs from the locked packages (${diff.length} file(s), e.g. ${diff.slice(0, 3).join(', ')})`,
      );
    if (problems.length > 0) {
      console.error(
        `dist/ is stale:\n  ${problems.join('\n  ')}\nRun \`npm run build\` and commit dist/.`,
      );
      process.exit(1);
    }
    console.log('dist/ is up to date with src/ and package-lock.json');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (args.has('--check')) {
  await check();
} else {
  await mkdir(dist, { recursive: true });
  await bundle(dist);
  await stageNatives(path.join(dist, 'node_modules'));
  await writeFile(
    path.join(dist, 'package.json'),
    `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`,
  );
  const size = [...(await hashTree(dist)).keys()].length;
  console.log(`built dist/ (${size} files)`);
}
