import { parentPort } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { isUserError } from '../errors.js';
import { createSession, describeSession, runSession, runSessionOutputs } from './ort-session.js';
import type { SessionReply, SessionRequest } from './session-thread.js';
import { ownBuffer } from './transfer.js';

/**
 * Worker side of the session thread (src/model/session-thread.ts). onnxruntime-node's
 * `session.run` blocks the thread it is called on; here that is this worker, so the main thread
 * keeps decoding images while a batch runs. Requests are handled one at a time in arrival order,
 * so a queued batch starts the moment the previous one ends.
 */

const sessions = new Map<number, { session: ort.InferenceSession; file: string }>();
let queue: Promise<void> = Promise.resolve();

function reply(message: SessionReply, transfer: ArrayBuffer[] = []): void {
  try {
    parentPort!.postMessage(message, transfer);
  } catch {
    // A buffer that cannot be detached (memory owned by the native side) is copied instead.
    parentPort!.postMessage(message);
  }
}

async function handle(msg: SessionRequest): Promise<void> {
  try {
    if (msg.op === 'load') {
      const session = await createSession(msg.bytes, msg.file, msg.threads);
      sessions.set(msg.session, { session, file: msg.file });
      reply({ id: msg.id, ok: true, ...describeSession(session) });
    } else if (msg.op === 'run') {
      const s = sessions.get(msg.session);
      if (!s) throw new Error(`session ${msg.session} is not loaded`);
      const out = await runSession(
        s.session,
        s.file,
        msg.inputName,
        msg.data,
        msg.dims,
        msg.outputName,
      );
      // The input goes back too: the main thread fills it with the next batch instead of
      // allocating (ORT is done with it once run() returns).
      reply({ id: msg.id, ok: true, data: out.data, dims: [...out.dims], input: msg.data }, [
        ...ownBuffer(out.data),
        ...ownBuffer(msg.data),
      ]);
    } else if (msg.op === 'run-outputs') {
      const s = sessions.get(msg.session);
      if (!s) throw new Error(`session ${msg.session} is not loaded`);
      const outputs = await runSessionOutputs(
        s.session,
        s.file,
        msg.inputName,
        msg.data,
        msg.dims,
        msg.outputNames,
      );
      reply({ id: msg.id, ok: true, results: outputs, input: msg.data }, [
        ...outputs.flatMap((o) => ownBuffer(o.data)),
        ...ownBuffer(msg.data),
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
      error: isUserError(error)
        ? { user: true, kind: error.kind, message: error.message }
        : {
            user: false,
            message: error instanceof Error ? error.message : String(error),
            stack: error instanceof Error ? error.stack : undefined,
          },
    });
  }
}

parentPort?.on('message', (msg: SessionRequest) => {
  queue = queue.then(() => handle(msg));
});
