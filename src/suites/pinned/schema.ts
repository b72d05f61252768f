/** The pinned suite's result: `pinned` in report.json, one entry per pinned id (the task's). */
import { z } from 'zod';
import { perTask, type TaskName } from '../../tasks/registry.js';

/** The pinned result of one task, or (without one) of any task. */
export const pinnedResultSchemaOf = (task?: TaskName) =>
  perTask('pinnedCase', (pinned) => z.array(pinned), task);

export const pinnedResultSchema = pinnedResultSchemaOf();
