/** What classification adds to report.json: overall extras, example changes, pinned cases. */
import { z } from 'zod';

/** `overall` besides the metric values: the confusion matrix and per-class scores. */
export const overallExtrasSchema = z.object({
  confusion: z.array(z.array(z.number().int())),
  perClass: z.array(
    z.object({
      class: z.string(),
      precision: z.number(),
      recall: z.number(),
      f1: z.number(),
      support: z.number().int(),
    }),
  ),
});

/** An example that newly fails (or is newly fixed): its label and both predictions. */
export const exampleChangeSchema = z.object({
  id: z.string(),
  path: z.string(),
  label: z.string(),
  baselinePred: z.string(),
  candidatePred: z.string(),
  candidateConf: z.number(),
  metadata: z.record(z.string(), z.string()),
});

/** A pinned example: present and classified correctly (`pass`), misclassified, or missing. */
export const pinnedCaseSchema = z.object({
  id: z.string(),
  status: z.enum(['pass', 'fail', 'missing']),
  label: z.string().optional(),
  pred: z.string().optional(),
});

export type ExampleChange = z.infer<typeof exampleChangeSchema>;
export type PinnedCase = z.infer<typeof pinnedCaseSchema>;
