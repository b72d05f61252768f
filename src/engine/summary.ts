import { describeResize } from '../image/geometry.js';
import type { ResolvedContract } from '../model/contract.js';
import type { Report } from '../report/schema.js';

type InputSummary = NonNullable<Report['models']['candidate']['input']>;

/** The input contract as the report records it (and as baseline reuse compares it). */
export function summarizeContract(c: ResolvedContract): InputSummary {
  return {
    name: c.inputName,
    layout: c.tensor.layout,
    channels: c.tensor.channels,
    dtype: c.tensor.dtype,
    width: c.geometry.width,
    height: c.geometry.height,
    resize: describeResize(c.geometry),
  };
}
