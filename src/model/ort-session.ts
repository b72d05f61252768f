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
  const out = (await runRaw(session, file, inputName, data, dims, [outputName]))[outputName]!;
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

/** One named output of a run, its values as ONNX Runtime gives them (int64 as BigInt64Array). */
export interface NamedOutput {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

/**
 * Run one batch and return several named outputs, in the order asked, with their own element
 * types: a post-NMS detector gives float boxes and scores but int64 labels, which must not be
 * squeezed into float32 (or refused) as class scores are. Numeric tensors only; anything else
 * (strings, float16) is a UserError naming the output and its type.
 */
export async function runSessionOutputs(
  session: ort.InferenceSession,
  file: string,
  inputName: string,
  data: Float32Array | Uint8Array,
  dims: readonly number[],
  outputNames: readonly string[],
): Promise<NamedOutput[]> {
  const result = await runRaw(session, file, inputName, data, dims, outputNames);
  return outputNames.map((name) => {
    const out = result[name]!;
    const raw = out.data;
    if (
      raw instanceof Float32Array ||
      raw instanceof Float64Array ||
      raw instanceof Int32Array ||
      raw instanceof BigInt64Array ||
      raw instanceof Uint8Array
    )
      return { name, dims: out.dims, data: raw };
    if (raw instanceof Int16Array || raw instanceof Uint16Array || raw instanceof Int8Array)
      return { name, dims: out.dims, data: Int32Array.from(raw) };
    throw new UserError(
      'model',
      `${file}: output ${name} has type ${out.type}; expected a numeric tensor (float32, float64 or an integer type)`,
    );
  });
}

async function runRaw(
  session: ort.InferenceSession,
  file: string,
  inputName: string,
  data: Float32Array | Uint8Array,
  dims: readonly number[],
  outputNames: readonly string[],
): Promise<ort.InferenceSession.ReturnType> {
  const tensor = new ort.Tensor(data instanceof Uint8Array ? 'uint8' : 'float32', data, dims);
  let result: ort.InferenceSession.ReturnType;
  try {
    result = await session.run({ [inputName]: tensor }, [...outputNames]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(
      'model',
      `ONNX Runtime failed running ${file} on input ${inputName} [${dims.join(', ')}]: ${message.split('\n')[0]}`,
    );
  }
  for (const name of outputNames)
    if (!result[name])
      throw new UserError('model', `${file}: output ${name} missing from the result`);
  return result;
}
