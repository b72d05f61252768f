/**
 * Model outputs to classification records: one row of class scores per image, read as
 * probabilities or softmaxed (model/scores.ts), checked against the class list.
 */
import { UserError } from '../../errors.js';
import type { ResolvedContract } from '../../model/contract.js';
import { assertFinite, scoreRow } from '../../model/scores.js';
import { quantize } from '../../tables/quantize.js';
import type { ModelRole, VariantName } from '../../types.js';
import type { DecodeItem, ModelOutput } from '../task.js';
import type { PredictionRecord } from './records.js';

/** One batch of class scores as one record per item (padding rows of a fixed batch are dropped). */
export function decodeScores(
  output: ModelOutput,
  items: readonly DecodeItem[],
  model: { role: ModelRole; contract: ResolvedContract },
  keepScores: (variant: VariantName) => boolean,
): PredictionRecord[] {
  const { role, contract } = model;
  const k = output.data.length / output.fed;
  if (!Number.isInteger(k) || k < 2) {
    throw new UserError(
      'model',
      `${role} model: output ${contract.outputName} has shape [${output.dims.join(', ')}] for a batch of ${output.fed}; expected [${output.fed}, classes]`,
    );
  }
  assertFinite(
    output.data,
    k,
    items.map((d) => d.example.id),
    role,
  );
  const out: PredictionRecord[] = [];
  for (let j = 0; j < items.length; j++) {
    const { example: ex, hash, variant } = items[j]!;
    if (ex.labelIndex >= k) {
      throw new UserError(
        'model',
        `${role} model outputs ${k} class scores but the class list has a class at index ${ex.labelIndex} ("${ex.label}")`,
      );
    }
    const s = scoreRow(
      output.data.subarray(j * k, (j + 1) * k),
      ex.labelIndex,
      contract.outputType,
    );
    const record: PredictionRecord = {
      id: ex.id,
      hash,
      model: role,
      variant,
      label: ex.labelIndex,
      pred: s.pred,
      conf: quantize(s.conf),
      pTrue: quantize(s.pTrue),
      rank: s.rank,
      sumSq: quantize(s.sumSq),
    };
    if (keepScores(variant)) record.probs = Array.from(s.probs, quantize);
    out.push(record);
  }
  return out;
}

/** A model whose output has a class count other than the class list's cannot be read. */
export function checkClassCount(
  role: ModelRole,
  contract: ResolvedContract,
  classes: readonly string[],
): void {
  const n = classes.length;
  if (contract.outputClasses !== undefined && contract.outputClasses !== n) {
    throw new UserError(
      'model',
      `${role} model output ${contract.outputName} has ${contract.outputClasses} classes but the class list has ${n}`,
    );
  }
}
