import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputContractSchema, outputContractSchema } from '../../src/config/schema.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { classificationTask } from '../../src/tasks/classification/index.js';
import { isUserError, type UserError } from '../../src/errors.js';
import { resolveContract } from '../../src/model/contract.js';
import {
  IN_PROCESS_MAX_BYTES,
  defaultSessionThread,
  loadModel,
  sessionThreadUsers,
} from '../../src/model/runtime.js';
import { SessionThread } from '../../src/model/session-thread.js';
import { ExampleTable } from '../../src/tables/examples.js';
import type { Example } from '../../src/types.js';
import { cli } from '../support/cli.js';
import { docStringPadding } from '../support/onnx.js';

/**
 * The two places an ONNX Runtime session can run (src/model/runtime.ts): the session thread and
 * in process. Real ORT, the committed fixture models: both must give the same outputs and the
 * same UserErrors, and the thread must neither hang the process nor lose a failure.
 */

const MODELS = path.resolve(import.meta.dirname, '../fixtures/models');
const modelFile = (name: string) => path.join(MODELS, name);
const THREADS = ['worker', 'main'] as const;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-session-thread-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function userError(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

/** The probe input of test/fixtures/README.md: x[0,c,y,x] = 100c + 8y + x. */
function probe(): Float32Array {
  const t = new Float32Array(192);
  for (let i = 0; i < 192; i++) t[i] = 100 * Math.floor(i / 64) + (i % 64);
  return t;
}

describe('the default: by model size', () => {
  it('under 1 MiB in process, from 1 MiB on in the session thread', () => {
    expect(defaultSessionThread(425_050)).toBe('main'); // the example's small CNN
    expect(defaultSessionThread(1024 * 1024)).toBe('worker');
    expect(defaultSessionThread(46_000_000)).toBe('worker'); // ResNet-18
  });
});

describe.each(THREADS)('thread: %s', (thread) => {
  it('same metadata and the same outputs as the other place', async () => {
    const here = await loadModel(modelFile('linear-identity.onnx'), { thread });
    const other = await loadModel(modelFile('linear-identity.onnx'), {
      thread: thread === 'worker' ? 'main' : 'worker',
    });
    try {
      expect(here.inputs).toEqual(other.inputs);
      expect(here.outputs).toEqual(other.outputs);
      expect(here.sha256).toBe(other.sha256);
      const a = await here.run('input', probe(), [1, 3, 8, 8], 'logits');
      const b = await other.run('input', probe(), [1, 3, 8, 8], 'logits');
      expect(a.dims).toEqual([1, 4]);
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      expect(Array.from(a.data)).toEqual([31.5, 131.5, 231.5, -63]);
      // The input buffer comes back for reuse from both places.
      expect(Array.from(a.input!)).toEqual(Array.from(probe()));
      expect(Array.from(b.input!)).toEqual(Array.from(probe()));
    } finally {
      await here.dispose();
      await other.dispose();
    }
  });

  it('a wrong input shape is a UserError naming the file, the input and the dims', async () => {
    const file = modelFile('rgb-nchw-fixed1.onnx');
    const model = await loadModel(file, { thread });
    try {
      const e = await userError(
        model.run('input', new Float32Array(5 * 192), [5, 3, 8, 8], 'logits'),
      );
      expect(e.kind).toBe('model');
      expect(e.message).toMatch(/^ONNX Runtime failed running .* on input input \[5, 3, 8, 8\]: /);
      expect(e.message).toContain(file);
      expect(e.message).not.toContain('\n');
      // The session is still usable after a failed run.
      const ok = await model.run('input', new Float32Array(192), [1, 3, 8, 8], 'logits');
      expect(ok.dims).toEqual([1, 4]);
    } finally {
      await model.dispose();
    }
  });

  it('an unknown output name is a UserError naming the file', async () => {
    const file = modelFile('linear-identity.onnx');
    const model = await loadModel(file, { thread });
    try {
      const e = await userError(model.run('input', probe(), [1, 3, 8, 8], 'nope'));
      expect(e.kind).toBe('model');
      expect(e.message).toContain(file);
    } finally {
      await model.dispose();
    }
  });

  it('unusable model files: the same messages as ever', async () => {
    const notes = path.join(tmp, `notes-${thread}.onnx`);
    await writeFile(notes, 'these are my notes, not a model\n');
    expect((await userError(loadModel(notes, { thread }))).message).toBe(
      `${notes} is not an ONNX model (cannot parse it as a protobuf ModelProto)`,
    );
    const empty = path.join(tmp, `empty-${thread}.onnx`);
    await writeFile(empty, Buffer.alloc(0));
    const e = await userError(loadModel(empty, { thread }));
    expect(e.kind).toBe('model');
    expect(e.message.startsWith(`ONNX Runtime cannot load ${empty}: `), e.message).toBe(true);
    expect(e.message).not.toContain('\n');
    const missing = path.join(tmp, 'nope', 'model.onnx');
    expect((await userError(loadModel(missing, { thread }))).message).toBe(
      `cannot read model ${missing}: file not found`,
    );
  });

  it('dispose twice is fine', async () => {
    const model = await loadModel(modelFile('rgb-nchw-dynamic.onnx'), { thread });
    await model.dispose();
    await expect(model.dispose()).resolves.toBeUndefined();
  });

  it('NaN outputs are still refused by the pass, batches in flight and all (no unhandled rejection)', async () => {
    const model = await loadModel(modelFile('nan.onnx'), { thread });
    const dir = await mkdtemp(path.join(tmp, `nan-${thread}-`));
    const examples: Example[] = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        const file = path.join(dir, `${i}.png`);
        await sharp({
          create: { width: 8, height: 8, channels: 3, background: { r: 40 * i, g: 9, b: 9 } },
        })
          .png()
          .toFile(file);
        return {
          id: `nan-${i}`,
          path: `${i}.png`,
          absPath: file,
          label: 'red',
          labelIndex: 0,
          metadata: {},
        };
      }),
    );
    const contract = resolveContract(
      'candidate',
      model.inputs,
      model.outputs,
      inputContractSchema.parse({}),
      outputContractSchema.parse({}),
    );
    try {
      // Batch 1: the first batch fails while the next ones are already handed to the session.
      const e = await userError(
        evaluate(
          ExampleTable.fromExamples(examples),
          [{ role: 'candidate', model, contract }],
          [{ name: 'clean' }],
          classificationTask,
          {
            batchSize: 1,
            workers: 0,
          },
        ),
      );
      expect(e.kind).toBe('model');
      expect(e.message).toMatch(/NaN or infinite scores for 1 example\(s\): nan-0\b/);
    } finally {
      await model.dispose();
    }
  });
});

describe('the session thread', () => {
  it('takes the input buffer instead of copying it, and copies a view into a larger buffer', async () => {
    const model = await loadModel(modelFile('linear-identity.onnx'), { thread: 'worker' });
    try {
      const owned = probe();
      const out = await model.run('input', owned, [1, 3, 8, 8], 'logits');
      expect(owned.byteLength, 'transferred: detached here').toBe(0);
      expect(Array.from(out.data)).toEqual([31.5, 131.5, 231.5, -63]);
      // ... and handed back with the result, for the next batch.
      expect(out.input).toBeInstanceOf(Float32Array);
      expect(Array.from(out.input!)).toEqual(Array.from(probe()));
      const big = new Float32Array(192 * 2);
      big.set(probe(), 192);
      const view = big.subarray(192);
      const again = await model.run('input', view, [1, 3, 8, 8], 'logits');
      expect(view.byteLength, 'a view is copied, its buffer stays').toBe(192 * 4);
      expect(Array.from(again.data)).toEqual(Array.from(out.data));
    } finally {
      await model.dispose();
    }
  });

  it('models loaded together share it; disposing one leaves the other running', async () => {
    const a = await loadModel(modelFile('linear-identity.onnx'), { thread: 'worker' });
    const b = await loadModel(modelFile('rgb-nchw-dynamic.onnx'), { thread: 'worker' });
    try {
      const [ra, rb] = await Promise.all([
        a.run('input', probe(), [1, 3, 8, 8], 'logits'),
        b.run('input', new Float32Array(2 * 192), [2, 3, 8, 8], 'logits'),
      ]);
      expect(ra.dims).toEqual([1, 4]);
      expect(rb.dims).toEqual([2, 4]);
      await a.dispose();
      expect((await b.run('input', new Float32Array(192), [1, 3, 8, 8], 'logits')).dims).toEqual([
        1, 4,
      ]);
    } finally {
      await a.dispose();
      await b.dispose();
    }
    // All users gone: a new model gets a fresh thread.
    const c = await loadModel(modelFile('linear-identity.onnx'), { thread: 'worker' });
    expect((await c.run('input', probe(), [1, 3, 8, 8], 'logits')).dims).toEqual([1, 4]);
    await c.dispose();
  });

  it('a thread that dies turns outstanding and later requests into a UserError naming the model', async () => {
    const file = modelFile('linear-identity.onnx');
    const thread = new SessionThread();
    const { session } = await thread.load(file, await readFile(file), {});
    const worker = (thread as unknown as { worker: Worker }).worker;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    // Started in the same tick as the crash: it may finish first, but must not hang.
    const racing = thread.run(session, 'input', probe(), [1, 3, 8, 8], 'logits').then(
      () => 'finished',
      (error: unknown) => error,
    );
    await worker.terminate();
    await exited;
    const outcome = await racing;
    if (outcome !== 'finished') {
      expect(isUserError(outcome), String(outcome)).toBe(true);
      expect((outcome as UserError).message).toContain(
        `ONNX Runtime stopped while running ${file}`,
      );
    }
    const e = await userError(thread.run(session, 'input', probe(), [1, 3, 8, 8], 'logits'));
    expect(e.kind).toBe('model');
    expect(e.message).toMatch(
      new RegExp(
        `^ONNX Runtime stopped while running ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the thread exited with code \\d+\\.`,
      ),
    );
    await expect(thread.release(session)).resolves.toBeUndefined();
    await thread.close();
    await thread.close();
  });

  it('does not keep a process alive that forgot to dispose its model', async () => {
    const runtime = pathToFileURL(
      path.resolve(import.meta.dirname, '../../src/model/runtime.ts'),
    ).href;
    const script = `
      const { loadModel } = await import(${JSON.stringify(runtime)});
      const m = await loadModel(${JSON.stringify(modelFile('linear-identity.onnx'))}, { thread: 'worker' });
      const out = await m.run('input', new Float32Array(192), [1, 3, 8, 8], 'logits');
      console.log(out.dims.join('x'));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: path.resolve(import.meta.dirname, '../..'), timeout: 30_000 },
    );
    expect(stdout.trim()).toBe('1x4');
  }, 40_000);
});

describe('a run whose baseline model cannot be loaded', () => {
  it("fails with the baseline error and releases the candidate's session thread", async () => {
    const repo = path.resolve(import.meta.dirname, '../..');
    const candidate = path.join(tmp, 'big-candidate.onnx');
    const bytes = await readFile(path.join(repo, 'examples/fashion/models/candidate.onnx'));
    await writeFile(candidate, Buffer.concat([bytes, docStringPadding(IN_PROCESS_MAX_BYTES)]));
    const missing = path.join(tmp, 'no-such-baseline.onnx');
    expect(sessionThreadUsers()).toBe(0);
    const r = await cli([
      'run',
      '-c',
      path.join(repo, 'examples/fashion/visiongate.yml'),
      '--model',
      candidate,
      '--baseline-model',
      missing,
      '-o',
      path.join(tmp, 'out-missing-baseline'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read model ${missing}: file not found`);
    // The candidate (over 1 MiB, so in the thread) was loaded first and is disposed again.
    expect(sessionThreadUsers()).toBe(0);
  });
});
