import * as ort from 'onnxruntime-node';
import { UserError } from '../errors.js';

/**
 * The onnxruntime-node calls both session back ends share: the in-process one and the session
 * thread (src/model/session-worker.ts) create, describe and run sessions with this code, so
 * their options, results and error messages cannot drift apart.
 */

/** Shape and element type of one model input or output; symbolic dims are strings, unknown are -1. */
export interface ValueInfo {
  name: string;
  type: string;
  dims: (number | string)[];
}

export interface SessionThreads {
  intraOpThreads?: number;
  interOpThreads?: number;
}

/** Create a CPU session with VisionGate's measured options; a failure is a UserError naming `file`. */
export async function createSession(
  bytes: Uint8Array,
  file: string,
  threads: SessionThreads,
): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      // Measured on ResNet-18, 2 cores (docs/benchmarks.md): 'extended' (no NCHWc layout
      // rewrite) runs at 0.58-0.65× of 'all'; parallel execution mode at 0.48×; without the CPU
      // arena 0.80×, without the memory pattern 0.89-0.97×. ORT's default thread count (one
      // intra-op thread per physical core) is the fastest on an idle machine (1 thread: 0.52×).
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      enableCpuMemArena: true,
      enableMemPattern: true,
      // Intra-op threads sleep instead of spinning between parallel sections. The pass decodes
      // images with sharp while a batch runs, and a baseline model's session sits idle while the
      // candidate's runs: spinning threads take those cores. Candidate + baseline pass: 1.12×
      // faster; candidate alone: same speed (spinning only pays off in a bare inference loop).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
      ...(threads.intraOpThreads ? { intraOpNumThreads: threads.intraOpThreads } : {}),
      ...(threads.interOpThreads ? { interOpNumThreads: threads.interOpThreads } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError('model', `ONNX Runtime cannot load ${file}: ${message.split('\n')[0]}`);
  }
}

/** Input and output metadata of a session, in the port's terms. */
export function describeSession(session: ort.InferenceSession): {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
} {
  const describe = (m: ort.InferenceSession.ValueMetadata): ValueInfo =>
    m.isTensor
      ? {
          name: m.name,
          type: m.type,
          dims: m.shape.map((d) =>
            typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? d : -1,
          ),
        }
      : { name: m.name, type: 'non-tensor', dims: [] };
  return {
    inputs: session.inputMetadata.map(describe),
    outputs: session.outputMetadata.map(describe),
  };
}

/** Run one batch; returns the named output as float32. Failures are UserErrors naming `file`. */
export async function runSession(
  session: ort.InferenceSession,
  file: string,
  inputName: string,
  data: Float32Array | Uint8Array,
  dims: readonly number[],
  outputName: string,
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const tensor = new ort.Tensor(data instanceof Uint8Array ? 'uint8' : 'float32', data, dims);
  let result: ort.InferenceSession.ReturnType;
  try {
    result = await session.run({ [inputName]: tensor }, [outputName]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(
      'model',
      `ONNX Runtime failed running ${file} on input ${inputName} [${dims.join(', ')}]: ${message.split('\n')[0]}`,
    );
  }
  const out = result[outputName];
  if (!out) throw new UserError('model', `${file}: output ${outputName} missing from the result`);
  const raw = out.data;
  let floats: Float32Array;
  if (raw instanceof Float32Array) floats = raw;
  else if (
    raw instanceof Float64Array ||
    raw instanceof Uint8Array ||
    raw instanceof Int32Array ||
    raw instanceof Uint16Array
  )
    floats = Float32Array.from(raw as ArrayLike<number>);
  else
    throw new UserError(
      'model',
      `${file}: output ${outputName} has type ${out.type}; expected a float tensor of class scores`,
    );
  return { data: floats, dims: out.dims };
}
