import type { Worker } from 'node:worker_threads';
import { UserError, type UserErrorKind } from '../errors.js';
import { startWorker } from '../worker-entry.js';
import type { NamedOutput, SessionThreads, ValueInfo } from './ort-session.js';
import { ownBuffer } from './transfer.js';

/** Messages to the session worker (src/model/session-worker.ts). */
export type SessionRequest =
  | {
      op: 'load';
      id: number;
      session: number;
      file: string;
      bytes: Uint8Array;
      threads: SessionThreads;
    }
  | {
      op: 'run';
      id: number;
      session: number;
      inputName: string;
      data: Float32Array | Uint8Array;
      dims: number[];
      outputName: string;
    }
  | {
      op: 'run-outputs';
      id: number;
      session: number;
      inputName: string;
      data: Float32Array | Uint8Array;
      dims: number[];
      outputNames: string[];
    }
  | { op: 'release'; id: number; session: number };

/** Replies: the request id, then the result or the error (a UserError keeps its kind and text). */
export type SessionReply =
  | {
      id: number;
      ok: true;
      inputs?: ValueInfo[];
      outputs?: ValueInfo[];
      data?: Float32Array;
      dims?: number[];
      /** The run's input buffer, sent back for reuse. */
      input?: Float32Array | Uint8Array;
      /** `run-outputs`: the named outputs, in the order asked. */
      results?: NamedOutput[];
    }
  | {
      id: number;
      ok: false;
      error:
        | { user: true; kind: UserErrorKind; message: string }
        | { user: false; message: string; stack: string | undefined };
    };

type Ok = Extract<SessionReply, { ok: true }>;

/**
 * One worker thread that owns ONNX Runtime sessions (any number; src/model/runtime.ts shares one
 * between the candidate and a baseline model). onnxruntime-node runs a batch synchronously
 * on the calling thread; off the main thread, sharp's decoding of the next images (a chain of
 * libuv round trips that each need the main thread) keeps going during inference, and batches
 * queued in the worker start back to back. Input tensors are transferred, not copied.
 *
 * The worker keeps the process alive only while a request is outstanding, so a caller that
 * forgets `close()` cannot hang the process; a worker that dies rejects every outstanding
 * request with a UserError.
 */
export class SessionThread {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { file: string; resolve: (r: Ok) => void; reject: (e: Error) => void }
  >();
  private readonly files = new Map<number, string>();
  private nextId = 0;
  private nextSession = 0;
  /** Why the worker is gone, once it is. */
  private failure: string | undefined;
  private closed = false;

  constructor() {
    this.worker = startWorker('session-worker', import.meta.url);
    this.worker.unref();
    this.worker.on('message', (msg: SessionReply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.worker.unref();
      if (msg.ok) p.resolve(msg);
      else if (msg.error.user) p.reject(new UserError(msg.error.kind, msg.error.message));
      else {
        const error = new Error(msg.error.message);
        if (msg.error.stack) error.stack = msg.error.stack;
        p.reject(error);
      }
    });
    this.worker.on('error', (error) => this.fail(error.message));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(`the thread exited with code ${code}`);
    });
  }

  /** Reject everything outstanding and every later request: the thread is gone. */
  private fail(reason: string): void {
    this.failure ??= reason;
    for (const [, p] of this.pending) p.reject(this.crashed(p.file));
    this.pending.clear();
  }

  private crashed(file: string): UserError {
    return new UserError(
      'model',
      `ONNX Runtime stopped while running ${file}: ${this.failure}. The model may need more memory than is available, or ONNX Runtime crashed on it.`,
    );
  }

  private request(file: string, msg: SessionRequest, transfer: ArrayBuffer[] = []): Promise<Ok> {
    if (this.failure !== undefined) return Promise.reject(this.crashed(file));
    if (this.closed)
      return Promise.reject(new Error(`session thread used after close() (${file})`));
    return new Promise<Ok>((resolve, reject) => {
      this.pending.set(msg.id, { file, resolve, reject });
      this.worker.ref();
      this.worker.postMessage(msg, transfer);
    });
  }

  /** Create a session in the worker; returns its handle and metadata. */
  async load(
    file: string,
    bytes: Uint8Array,
    threads: SessionThreads,
  ): Promise<{ session: number; inputs: ValueInfo[]; outputs: ValueInfo[] }> {
    const session = this.nextSession++;
    this.files.set(session, file);
    let r: Ok;
    try {
      r = await this.request(
        file,
        { op: 'load', id: this.nextId++, session, file, bytes, threads },
        ownBuffer(bytes),
      );
    } catch (error) {
      this.files.delete(session);
      throw error;
    }
    return { session, inputs: r.inputs!, outputs: r.outputs! };
  }

  /** Run one batch. `data` is transferred when it owns its buffer: the caller must not reuse it. */
  async run(
    session: number,
    inputName: string,
    data: Float32Array | Uint8Array,
    dims: readonly number[],
    outputName: string,
  ): Promise<{ data: Float32Array; dims: readonly number[]; input?: Float32Array | Uint8Array }> {
    const r = await this.request(
      this.files.get(session) ?? 'a model',
      { op: 'run', id: this.nextId++, session, inputName, data, dims: [...dims], outputName },
      ownBuffer(data),
    );
    return { data: r.data!, dims: r.dims!, input: r.input };
  }

  /** Run one batch for several named outputs (see `runSessionOutputs`); `data` as in {@link run}. */
  async runOutputs(
    session: number,
    inputName: string,
    data: Float32Array | Uint8Array,
    dims: readonly number[],
    outputNames: readonly string[],
  ): Promise<{ outputs: NamedOutput[]; input?: Float32Array | Uint8Array }> {
    const r = await this.request(
      this.files.get(session) ?? 'a model',
      {
        op: 'run-outputs',
        id: this.nextId++,
        session,
        inputName,
        data,
        dims: [...dims],
        outputNames: [...outputNames],
      },
      ownBuffer(data),
    );
    return { outputs: r.results!, input: r.input };
  }

  async release(session: number): Promise<void> {
    const file = this.files.get(session);
    if (file === undefined || this.failure !== undefined || this.closed) return;
    this.files.delete(session);
    await this.request(file, { op: 'release', id: this.nextId++, session });
  }

  /** Stop the worker (its sessions go with it). Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}
