import { parentPort } from 'node:worker_threads';
import type { RgbImage } from '../types.js';
import { runVariantTask, type VariantTask } from './variant-task.js';

/**
 * Worker side of the variant pool: a batch of images in, their variants out. Batches keep the
 * per-message cost (structured clone, wake-ups) small for tiny images; buffers are transferred.
 */
interface Request {
  id: number;
  items: { image: RgbImage; task: VariantTask }[];
}

parentPort?.on('message', (msg: Request) => {
  Promise.all(msg.items.map((it) => runVariantTask(it.image, it.task))).then(
    (images) => {
      parentPort!.postMessage(
        { id: msg.id, images },
        images.map((img) => img.data.buffer as ArrayBuffer),
      );
    },
    (error: unknown) => {
      parentPort!.postMessage({
        id: msg.id,
        error: error instanceof Error ? error.message : String(error),
      });
    },
  );
});
