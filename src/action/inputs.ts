import { z } from 'zod';
import type { RunOverrides } from '../engine/run.js';
import { parseShard } from '../engine/shard.js';
import { UserError } from '../errors.js';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Every Action input, validated once (see action.yml for the descriptions). */
const inputsSchema = z.object({
  config: z.string().min(1),
  model: z.string().optional(),
  baselineModel: z.string().optional(),
  baseline: z.string().optional(),
  outDir: z.string().min(1),
  failOn: z.enum(['error', 'warning', 'never']),
  shard: z.string().optional(),
  mode: z.enum(['run', 'merge']),
  shards: z.string().optional(),
  githubToken: z.string().optional(),
  key: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
    .optional(),
  comment: bool,
  check: bool,
  suiteChecks: bool,
  storeBaseline: z.enum(['auto', 'always', 'never']),
  baselineSource: z.enum(['branch', 'artifact', 'none']),
  baselineBranch: z.string().min(1),
  baselineWorkflow: z.string().optional(),
  baselineArtifact: z.string().min(1),
  trackingIssue: bool,
  issueLabels: z.string(),
  informational: bool,
  publishOnly: bool,
  uploadArtifact: bool,
  artifactName: z
    .string()
    .regex(/^[^"\\:<>|*?/\r\n]{1,200}$/, 'must be an artifact name without " : < > | * ? / \\')
    .optional(),
  report: z.string().optional(),
  prNumber: z
    .string()
    .regex(/^[1-9][0-9]{0,9}$/, 'must be a pull request number')
    .transform(Number)
    .optional(),
  headSha: z
    .string()
    .regex(/^[0-9a-f]{40}$/, 'must be a 40-character commit sha')
    .optional(),
});
export type ActionInputs = z.infer<typeof inputsSchema>;

const DEFAULTS: Record<string, string> = {
  config: 'visiongate.yml',
  'out-dir': 'visiongate-out',
  'fail-on': 'error',
  mode: 'run',
  comment: 'true',
  check: 'true',
  'suite-checks': 'false',
  'store-baseline': 'auto',
  'baseline-source': 'branch',
  'baseline-branch': 'visiongate-baselines',
  'baseline-artifact': 'visiongate-report',
  'tracking-issue': 'false',
  'issue-labels': 'visiongate,regression',
  informational: 'false',
  'publish-only': 'false',
  'upload-artifact': 'true',
};

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Read the inputs through `get` (core.getInput in the Action) and validate them; a bad value is
 * a UserError naming the input, the value and what is allowed.
 */
export function readInputs(get: (name: string) => string): ActionInputs {
  const names = Object.keys(inputsSchema.shape).map(kebab);
  const raw: Record<string, string | undefined> = {};
  for (const name of names) {
    const v = get(name).trim();
    const value = v === '' ? DEFAULTS[name] : v;
    raw[camel(name)] =
      DEFAULTS[name] === 'true' || DEFAULTS[name] === 'false' ? value?.toLowerCase() : value;
  }
  const parsed = inputsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = kebab(String(issue.path[0]));
    const value = raw[String(issue.path[0])];
    const allowed =
      issue.code === 'invalid_value'
        ? `allowed: ${issue.values.map(String).join(', ')}`
        : issue.message;
    throw new UserError('usage', `input "${key}" is invalid (got "${String(value)}"): ${allowed}`);
  }
  const inputs = parsed.data;
  if (inputs.mode === 'merge' && !inputs.shards) {
    throw new UserError(
      'usage',
      'mode: merge needs the shards input (the downloaded shard output folders)',
    );
  }
  if (inputs.publishOnly && !inputs.report) {
    throw new UserError('usage', 'publish-only needs the report input (a report.json to publish)');
  }
  if (inputs.baselineSource === 'artifact' && !inputs.baselineWorkflow) {
    throw new UserError(
      'usage',
      'baseline-source: artifact needs the baseline-workflow input (the workflow file that uploads the baseline)',
    );
  }
  return inputs;
}

/** The inputs as a run request: candidate, baseline (resolved by engine/baseline.ts), shard. */
export function runRequest(inputs: ActionInputs): RunOverrides {
  return {
    ...(inputs.model ? { model: inputs.model } : {}),
    baseline: {
      ...(inputs.baselineModel ? { model: inputs.baselineModel } : {}),
      ...(inputs.baseline ? { stored: inputs.baseline } : {}),
      names: { model: 'the baseline-model input', stored: 'the baseline input' },
    },
    ...(inputs.shard ? { shard: parseShard(inputs.shard) } : {}),
  };
}

/** A list input: one entry per line or comma. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
