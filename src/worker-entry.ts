import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Start the worker script `name` that sits next to the calling module: in dist/ the bundle
 * `dist/<name>.js` (scripts/build.mjs builds one per worker; every module of the main bundle
 * shares its `import.meta.url`), or, when VisionGate runs from its TypeScript source (tests,
 * benches, development), `<name>.ts` loaded through tsx's loader, registered inside the worker
 * (loader hooks are not inherited by workers on Node 20).
 */
export function startWorker(name: string, callerUrl: string): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl));
  const tsx = pathToFileURL(createRequire(callerUrl).resolve('tsx/esm/api')).href.replace(
    /\.cjs$/,
    '.mjs',
  );
  const worker = new URL(`./${name}.ts`, callerUrl).href;
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); });`,
    { eval: true },
  );
}
