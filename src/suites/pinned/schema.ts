/** The pinned suite's result: `pinned` in report.json, one entry per pinned id. */
import { z } from 'zod';

export const pinnedCaseSchema = z.object({
  id: z.string(),
  status: z.enum(['pass', 'fail', 'missing']),
  label: z.string().optional(),
  pred: z.string().optional(),
});

export const pinnedResultSchema = z.array(pinnedCaseSchema);

export type PinnedCase = z.infer<typeof pinnedCaseSchema>;
