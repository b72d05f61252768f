/**
 * The tasks. Adding one: its folder under src/tasks/ and one line here (docs/architecture.md,
 * "How to add a task"); config `task:` names it.
 */
import { z } from 'zod';
import { classificationTask } from './classification/index.js';
import type { Task } from './task.js';

export const TASKS = { classification: classificationTask } as const;

/** A registered task's name. */
export type TaskName = keyof typeof TASKS;

type AnyTask = (typeof TASKS)[TaskName];
type Schemas = AnyTask['schemas'];

/** The task a config names. */
export function taskOf(config: { task: TaskName }): Task {
  return TASKS[config.task];
}

/** report.json's `task`: the task that ran, absent for classification (the first task). */
export const taskNameSchema = z
  .enum(Object.keys(TASKS) as [TaskName, ...TaskName[]])
  .optional()
  .describe('The task that ran; absent: classification (reports made before tasks were named).');

/** The `task` field of a report made by `task`: classification's reports do not name it. */
export function taskField(task: Task): { task?: TaskName } {
  return task.name === 'classification' ? {} : { task: task.name as TaskName };
}

/** The task of a report. */
export function taskOfReport(report: { task?: TaskName | undefined }): Task {
  return TASKS[report.task ?? 'classification'];
}

/**
 * A report schema made of each task's part `key` (its own schema when there is one task, the
 * union of them all otherwise): how report.json's schema stays typed for every task.
 */
export function perTask<K extends keyof Schemas, Out extends z.ZodType>(
  key: K,
  make: (schema: Schemas[K]) => Out,
): Out {
  const made = Object.values(TASKS).map((t) => make(t.schemas[key]));
  return made.length === 1 ? made[0]! : (z.union(made as [Out, Out, ...Out[]]) as unknown as Out);
}
