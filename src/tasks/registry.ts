/**
 * The tasks. Adding one: its folder under src/tasks/ and one line here (docs/architecture.md,
 * "How to add a task"); config `task:` names it.
 */
import { z } from 'zod';
import { classificationTask } from './classification/index.js';
import { detectionTask } from './detection/index.js';
import type { Task } from './task.js';

export const TASKS = { classification: classificationTask, detection: detectionTask } as const;

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
 * union of them all otherwise): how report.json's schema stays typed for every task. With
 * `only`, that task's part alone: what reading a report must use, since a union keeps the first
 * option that fits and zod drops the keys it does not know (a detection `overall` read through
 * the union came back as classification's, without its working point).
 */
export function perTask<K extends keyof Schemas, Out extends z.ZodType>(
  key: K,
  make: (schema: Schemas[K]) => Out,
  only?: TaskName,
): Out {
  const made = (only ? [TASKS[only]] : Object.values(TASKS)).map((t) => make(t.schemas[key]));
  return made.length === 1 ? made[0]! : (z.union(made as [Out, Out, ...Out[]]) as unknown as Out);
}
