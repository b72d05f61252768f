import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { readOnnxModelInfo, type OnnxModelInfo } from './onnx-metadata.js';
import {
  createSession,
  describeSession,
  runSession,
  runSessionOutputs,
  type NamedOutput,
  type ValueInfo,
} from './ort-session.js';
import { SessionThread } from './session-thread.js';

export type { NamedOutput, ValueInfo } from './ort-session.js';

/** The model runtime port: everything outside `model/` sees only this. */
export interface LoadedModel {
  path: string;
  sha256: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  info: OnnxModelInfo;
  /**
   * Run one batch; returns the named output as a flat float array and its dims. The input
   * buffer may be handed to another thread: don't use `data` after calling. `input` is the
   * input buffer given back (possibly a new view of the same memory), free for the next batch.
   */
  run(
    inputName: string,
    data: Float32Array | Uint8Array,
    dims: readonly number[],
    outputName: string,
  ): Promise<{ data: Float32Array; dims: readonly number[]; input?: Float32Array | Uint8Array }>;
  /**
   * Run one batch for several named outputs, each with its own element type (a detector's int64
   * labels stay integers). Input buffer handling as in {@link run}.
   */
  runOutputs(
    inputName: string,
    data: Float32Array | Uint8Array,
    dims: readonly number[],
    outputNames: readonly string[],
  ): Promise<{ outputs: NamedOutput[]; input?: Float32Array | Uint8Array }>;
  /** Release the session (and its thread). Safe to call more than once. */
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  intraOpThreads?: number;
  interOpThreads?: number;
  /**
   * Where the session runs: `worker`, a thread of its own, so the main thread keeps decoding
   * during inference (shared by all models loaded at the same time); `main`, in process.
   * Default: by model size, {@link defaultSessionThread}.
   */
  thread?: 'worker' | 'main';
}

/** Load an ONNX model with onnxruntime-node (CPU). Errors name the file and what is wrong. */
export async function loadModel(file: string, options: RuntimeOptions = {}): Promise<LoadedModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      'model',
      `cannot read model ${file}: ${code === 'ENOENT' ? 'file not found' : (code ?? String(error))}`,
    );
  }
  let info: OnnxModelInfo;
  try {
    info = readOnnxModelInfo(bytes);
  } catch {
    throw new UserError(
      'model',
      `${file} is not an ONNX model (cannot parse it as a protobuf ModelProto)`,
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const threads = {
    intraOpThreads: options.intraOpThreads,
    interOpThreads: options.interOpThreads,
  };
  const base = { path: file, sha256, info };
  if ((options.thread ?? defaultSessionThread(bytes.length)) === 'main') {
    const session = await createSession(bytes, file, threads);
    let released: Promise<void> | undefined;
    return {
      ...base,
      ...describeSession(session),
      run: async (inputName, data, dims, outputName) => ({
        ...(await runSession(session, file, inputName, data, dims, outputName)),
        input: data,
      }),
      runOutputs: async (inputName, data, dims, outputNames) => ({
        outputs: await runSessionOutputs(session, file, inputName, data, dims, outputNames),
        input: data,
      }),
      dispose: () => (released ??= session.release()),
    };
  }
  const thread = acquireSharedThread();
  let loaded: Awaited<ReturnType<SessionThread['load']>>;
  try {
    loaded = await thread.load(file, bytes, threads);
  } catch (error) {
    await releaseSharedThread();
    throw error;
  }
  let released: Promise<void> | undefined;
  return {
    ...base,
    inputs: loaded.inputs,
    outputs: loaded.outputs,
    run: (inputName, data, dims, outputName) =>
      thread.run(loaded.session, inputName, data, dims, outputName),
    runOutputs: (inputName, data, dims, outputNames) =>
      thread.runOutputs(loaded.session, inputName, data, dims, outputNames),
    dispose: () =>
      (released ??= thread.release(loaded.session).finally(() => releaseSharedThread())),
  };
}

/**
 * The candidate and a baseline model share one session thread: their batches then run one
 * after the other, as in process. Two threads ran both sessions at once (4 ORT threads on 2
 * cores) and made the candidate + baseline ResNet-18 pass 1.16× slower (docs/benchmarks.md).
 * The thread stops when the last model using it is disposed.
 */
let shared: { thread: SessionThread; users: number } | undefined;

function acquireSharedThread(): SessionThread {
  shared ??= { thread: new SessionThread(), users: 0 };
  shared.users++;
  return shared.thread;
}

async function releaseSharedThread(): Promise<void> {
  const s = shared;
  if (!s || --s.users > 0) return;
  shared = undefined;
  await s.thread.close();
}

/** Models currently holding the shared session thread (0: no thread). For tests and logs. */
export function sessionThreadUsers(): number {
  return shared?.users ?? 0;
}

/** Models below this size run in process by default (see {@link defaultSessionThread}). */
export const IN_PROCESS_MAX_BYTES = 1024 * 1024;

/**
 * Where a session runs unless {@link RuntimeOptions.thread} says otherwise: in process for
 * models under 1 MiB, in the session thread for the rest. Handing a batch to the thread costs
 * ~0.1 ms; for a model like the example's small CNN (0.4 MB, ~6 µs per image) that is more than
 * inference itself and the pass is decode-bound anyway: at batch 1 the thread made its pass
 * 0.89× as fast, at batch 64 it made no difference. The file size is known before loading, and
 * real image classifiers (SqueezeNet 5 MB, MobileNet 14 MB, ResNet-18 45 MB) are far above it.
 */
export function defaultSessionThread(modelBytes: number): 'worker' | 'main' {
  return modelBytes < IN_PROCESS_MAX_BYTES ? 'main' : 'worker';
}
