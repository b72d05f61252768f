/**
 * The one baseline resolver: what a run compares the candidate with, and how that was found.
 * The CLI (flags), the Action (inputs and its lookup of a stored result on GitHub), `run` and
 * `merge` all go through {@link resolveBaseline}; nothing else decides precedence.
 *
 * Precedence, first match wins:
 * 1. `none` requested (`--no-baseline`): no comparison.
 * 2. a baseline model requested (`--baseline-model`, input `baseline-model`);
 * 3. a stored result requested (`--baseline`, input `baseline`);
 * 4. the config's `baseline.model`;
 * 5. the config's `baseline.report`;
 * 6. a stored result found by a lookup (the Action's, on GitHub);
 * 7. nothing: no comparison.
 * A baseline model's records may come from a stored run of that model instead of running it
 * (engine/reuse.ts): `--reuse-baseline`, else a found stored result, else `baseline.reuse`.
 */
import path from 'node:path';
import { resolveFromConfig, type LoadedConfig } from '../config/load.js';
import { UserError } from '../errors.js';

/** What the caller asks for. Paths are relative to the working directory. */
export interface BaselineRequest {
  /** A baseline model to evaluate in this run. */
  model?: string;
  /** A stored result: the output folder of an earlier run. */
  stored?: string;
  /** Compare with nothing, whatever the config says. */
  none?: boolean;
  /** A stored run of the baseline model whose records may stand in for running it. */
  reuse?: string;
  /** How the caller's messages name `model` and `stored` (flags or Action inputs). */
  names?: { model: string; stored: string };
}

/** A stored result found outside the config and the request (the Action's lookup on GitHub). */
export interface FoundBaseline {
  dir: string;
  commit?: string;
  ref?: string;
  /** How it was found, in words (for logs). */
  detail?: string;
}

/** Where a baseline came from: the caller's request, the config, or a lookup. */
export type BaselineOrigin = 'request' | 'config' | 'lookup';

/** The resolved baseline. Paths are absolute. */
export type ResolvedBaseline =
  | { kind: 'none'; why: 'none requested' | 'none configured' }
  | {
      kind: 'model';
      path: string;
      from: Exclude<BaselineOrigin, 'lookup'>;
      /** A stored run of this model whose records may replace running it. */
      reuse?: { dir: string; from: BaselineOrigin };
    }
  | { kind: 'stored'; dir: string; from: BaselineOrigin; found?: FoundBaseline };

const DEFAULT_NAMES = { model: '--baseline-model', stored: '--baseline' };

/** Decide the baseline of a run (see the module comment for the precedence). */
export function resolveBaseline(
  loaded: LoadedConfig,
  request: BaselineRequest,
  found?: FoundBaseline,
): ResolvedBaseline {
  const names = request.names ?? DEFAULT_NAMES;
  if (request.model && request.stored)
    throw new UserError(
      'usage',
      `give either ${names.model} or ${names.stored} (a stored result folder), not both`,
    );
  if (request.none) return { kind: 'none', why: 'none requested' };
  const cwd = (p: string) => path.resolve(process.cwd(), p);
  const cfg = loaded.config.baseline;
  const reuseFor = (fromConfig: boolean): { reuse?: { dir: string; from: BaselineOrigin } } => {
    if (request.reuse) return { reuse: { dir: cwd(request.reuse), from: 'request' } };
    if (!fromConfig) return {};
    if (found) return { reuse: { dir: found.dir, from: 'lookup' } };
    if (cfg.reuse) return { reuse: { dir: resolveFromConfig(loaded, cfg.reuse), from: 'config' } };
    return {};
  };
  if (request.model)
    return { kind: 'model', path: cwd(request.model), from: 'request', ...reuseFor(false) };
  if (request.stored) return { kind: 'stored', dir: cwd(request.stored), from: 'request' };
  if (cfg.model)
    return {
      kind: 'model',
      path: resolveFromConfig(loaded, cfg.model),
      from: 'config',
      ...reuseFor(true),
    };
  if (cfg.report)
    return { kind: 'stored', dir: resolveFromConfig(loaded, cfg.report), from: 'config' };
  if (found) return { kind: 'stored', dir: found.dir, from: 'lookup', found };
  return { kind: 'none', why: 'none configured' };
}

/**
 * Whether a stored result found by a lookup would be used: as the baseline when nothing else
 * is asked for or configured, or in place of running the config's baseline model.
 */
export function lookupWanted(loaded: LoadedConfig, request: BaselineRequest): boolean {
  const b = resolveBaseline(loaded, request);
  return (
    (b.kind === 'none' && b.why === 'none configured') ||
    (b.kind === 'model' && b.from === 'config' && b.reuse?.from !== 'request')
  );
}
