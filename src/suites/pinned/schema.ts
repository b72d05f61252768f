/** The pinned suite's result: `pinned` in report.json, one entry per pinned id (the task's). */
import { z } from 'zod';
import { perTask } from '../../tasks/registry.js';

export const pinnedResultSchema = perTask('pinnedCase', (pinned) => z.array(pinned));
