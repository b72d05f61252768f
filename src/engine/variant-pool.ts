import type { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { RgbImage } from '../types.js';
import { startWorker } from '../worker-entry.js';
import { runVariantTask, type VariantTask } from './variant-task.js';

/** Fewer images than this per message cost more in messaging than they save. */
const MIN_PER_MESSAGE = 4;

interface Pending {
  resolve: (images: RgbImage[]) => void;
  reject: (error: Error) => void;
}

/**
 * A fixed pool of worker threads that compute corruption and transform images, so the CPU work
 * of the robustness pass runs in parallel with itself and with inference. Size 0 computes inline.
 * Tasks go to the worker with the fewest in flight.
 */
export class VariantPool {
  private readonly workers: { worker: Worker; inFlight: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = startWorker('variant-worker', import.meta.url);
      worker.unref();
      const slot = { worker, inFlight: 0 };
      worker.on('message', (msg: { id: number; images?: RgbImage[]; error?: string }) => {
        slot.inFlight--;
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.error !== undefined) p.reject(new UserError('image', msg.error));
        else p.resolve(msg.images!);
      });
      worker.on('error', (error) => {
        for (const [, p] of this.pending) p.reject(error);
        this.pending.clear();
      });
      this.workers.push(slot);
    }
  }

  /** A pool of `size` workers; 0 means inline. */
  static create(size: number): VariantPool {
    return new VariantPool(Math.max(0, Math.floor(size)));
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Compute the variants of a batch of images. The batch is split across the workers (one
   * message per worker), so even a single batch in flight keeps every worker busy.
   */
  async runBatch(images: readonly RgbImage[], tasks: readonly VariantTask[]): Promise<RgbImage[]> {
    if (this.workers.length === 0)
      return Promise.all(images.map((img, i) => runVariantTask(img, tasks[i]!)));
    const parts = Math.min(this.workers.length, Math.ceil(images.length / MIN_PER_MESSAGE));
    const size = Math.ceil(images.length / parts);
    const results = await Promise.all(
      Array.from({ length: parts }, (_, p) =>
        this.send(images.slice(p * size, (p + 1) * size), tasks.slice(p * size, (p + 1) * size)),
      ),
    );
    return results.flat();
  }

  private send(images: readonly RgbImage[], tasks: readonly VariantTask[]): Promise<RgbImage[]> {
    const slot = this.workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const id = this.nextId++;
    slot.inFlight++;
    // Clean images are shared by every variant: send copies, keep the originals.
    const items = images.map((img, i) => ({
      image: { width: img.width, height: img.height, data: img.data.slice() },
      task: tasks[i]!,
    }));
    return new Promise<RgbImage[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage(
        { id, items },
        items.map((it) => it.image.data.buffer),
      );
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
