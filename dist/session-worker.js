import { createRequire as __vgCreateRequire } from 'node:module'; const require = __vgCreateRequire(import.meta.url); globalThis.__VISIONGATE_BUNDLE__ = true;

// src/model/session-worker.ts
import { parentPort } from "node:worker_threads";

// src/errors.ts
var UserError = class extends Error {
  name = "UserError";
  /** A short machine-readable category, e.g. `config`, `dataset`, `model`, `usage`. */
  kind;
  /** The message without its detail lines. */
  summary;
  /**
   * Lines shown under the summary (a list of config problems, of unreadable images). Kept apart
   * so that logs can make each line safe on its own (see log-text.ts); `message` has them too.
   */
  details;
  constructor(kind, message, options) {
    const details = options?.details ?? [];
    super(
      [message, ...details.map((d) => `  ${d}`)].join("\n"),
      options?.cause === void 0 ? void 0 : { cause: options.cause }
    );
    this.kind = kind;
    this.summary = message;
    this.details = details;
  }
};
function isUserError(error) {
  return error instanceof UserError || error instanceof Error && error.name === "UserError";
}

// src/model/ort-session.ts
import * as ort from "onnxruntime-node";
async function createSession(bytes, file, threads) {
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: ["cpu"],
      // Measured on ResNet-18, 2 cores (docs/benchmarks.md): 'extended' (no NCHWc layout
      // rewrite) runs at 0.58-0.65× of 'all'; parallel execution mode at 0.48×; without the CPU
      // arena 0.80×, without the memory pattern 0.89-0.97×. ORT's default thread count (one
      // intra-op thread per physical core) is the fastest on an idle machine (1 thread: 0.52×).
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      enableCpuMemArena: true,
      enableMemPattern: true,
      // Intra-op threads sleep instead of spinning between parallel sections. The pass decodes
      // images with sharp while a batch runs, and a baseline model's session sits idle while the
      // candidate's runs: spinning threads take those cores. Candidate + baseline pass: 1.12×
      // faster; candidate alone: same speed (spinning only pays off in a bare inference loop).
      extra: { session: { intra_op: { allow_spinning: "0" } } },
      ...threads.intraOpThreads ? { intraOpNumThreads: threads.intraOpThreads } : {},
      ...threads.interOpThreads ? { interOpNumThreads: threads.interOpThreads } : {}
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError("model", `ONNX Runtime cannot load ${file}: ${message.split("\n")[0]}`);
  }
}
function describeSession(session) {
  const describe = (m) => m.isTensor ? {
    name: m.name,
    type: m.type,
    dims: m.shape.map(
      (d) => typeof d === "number" && d >= 0 ? d : typeof d === "string" ? d : -1
    )
  } : { name: m.name, type: "non-tensor", dims: [] };
  return {
    inputs: session.inputMetadata.map(describe),
    outputs: session.outputMetadata.map(describe)
  };
}
async function runSession(session, file, inputName, data, dims, outputName) {
  const out = (await runRaw(session, file, inputName, data, dims, [outputName]))[outputName];
  const raw = out.data;
  let floats;
  if (raw instanceof Float32Array) floats = raw;
  else if (raw instanceof Float64Array || raw instanceof Uint8Array || raw instanceof Int32Array || raw instanceof Uint16Array)
    floats = Float32Array.from(raw);
  else
    throw new UserError(
      "model",
      `${file}: output ${outputName} has type ${out.type}; expected a float tensor of class scores`
    );
  return { data: floats, dims: out.dims };
}
async function runSessionOutputs(session, file, inputName, data, dims, outputNames) {
  const result = await runRaw(session, file, inputName, data, dims, outputNames);
  return outputNames.map((name) => {
    const out = result[name];
    const raw = out.data;
    if (raw instanceof Float32Array || raw instanceof Float64Array || raw instanceof Int32Array || raw instanceof BigInt64Array || raw instanceof Uint8Array)
      return { name, dims: out.dims, data: raw };
    if (raw instanceof Int16Array || raw instanceof Uint16Array || raw instanceof Int8Array)
      return { name, dims: out.dims, data: Int32Array.from(raw) };
    throw new UserError(
      "model",
      `${file}: output ${name} has type ${out.type}; expected a numeric tensor (float32, float64 or an integer type)`
    );
  });
}
async function runRaw(session, file, inputName, data, dims, outputNames) {
  const tensor = new ort.Tensor(data instanceof Uint8Array ? "uint8" : "float32", data, dims);
  let result;
  try {
    result = await session.run({ [inputName]: tensor }, [...outputNames]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(
      "model",
      `ONNX Runtime failed running ${file} on input ${inputName} [${dims.join(", ")}]: ${message.split("\n")[0]}`
    );
  }
  for (const name of outputNames)
    if (!result[name])
      throw new UserError("model", `${file}: output ${name} missing from the result`);
  return result;
}

// src/model/transfer.ts
function ownBuffer(a) {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer ? [a.buffer] : [];
}

// src/model/session-worker.ts
var sessions = /* @__PURE__ */ new Map();
var queue = Promise.resolve();
function reply(message, transfer = []) {
  try {
    parentPort.postMessage(message, transfer);
  } catch {
    parentPort.postMessage(message);
  }
}
async function handle(msg) {
  try {
    if (msg.op === "load") {
      const session = await createSession(msg.bytes, msg.file, msg.threads);
      sessions.set(msg.session, { session, file: msg.file });
      reply({ id: msg.id, ok: true, ...describeSession(session) });
    } else if (msg.op === "run") {
      const s = sessions.get(msg.session);
      if (!s) throw new Error(`session ${msg.session} is not loaded`);
      const out = await runSession(
        s.session,
        s.file,
        msg.inputName,
        msg.data,
        msg.dims,
        msg.outputName
      );
      reply({ id: msg.id, ok: true, data: out.data, dims: [...out.dims], input: msg.data }, [
        ...ownBuffer(out.data),
        ...ownBuffer(msg.data)
      ]);
    } else if (msg.op === "run-outputs") {
      const s = sessions.get(msg.session);
      if (!s) throw new Error(`session ${msg.session} is not loaded`);
      const outputs = await runSessionOutputs(
        s.session,
        s.file,
        msg.inputName,
        msg.data,
        msg.dims,
        msg.outputNames
      );
      reply({ id: msg.id, ok: true, results: outputs, input: msg.data }, [
        ...outputs.flatMap((o) => ownBuffer(o.data)),
        ...ownBuffer(msg.data)
      ]);
    } else {
      const s = sessions.get(msg.session);
      sessions.delete(msg.session);
      await s?.session.release();
      reply({ id: msg.id, ok: true });
    }
  } catch (error) {
    reply({
      id: msg.id,
      ok: false,
      error: isUserError(error) ? { user: true, kind: error.kind, message: error.message } : {
        user: false,
        message: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : void 0
      }
    });
  }
}
parentPort?.on("message", (msg) => {
  queue = queue.then(() => handle(msg));
});
