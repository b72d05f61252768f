/**
 * Workflow-command injection, through the built Action (dist/index.js) as a runner runs it: a
 * dataset whose CSV header, ids, class name, metadata values and file name carry newlines,
 * terminal escapes and workflow commands. Nothing of it may run as a command: the only commands
 * in the Action's output are VisionGate's own, and no raw control character reaches the log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCommittedAction, runBuiltAction, type ActionRun } from '../support/action-runner.js';
import { HOSTILE, MARKER, writeHostileDataset } from '../support/hostile-dataset.js';
import { runnerCommands } from '../support/workflow-commands.js';

/** The commands VisionGate itself writes (core.group, annotations, core.debug). */
const OURS = new Set(['group', 'endgroup', 'error', 'warning', 'notice', 'debug']);
/** Raw control characters (a newline between lines aside), bidi controls, line separators. */
const RAW_CONTROL =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let tmp: string;
let actionDir: string;
let workspace: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-hostile-'));
  actionDir = path.join(tmp, 'action');
  await copyCommittedAction(actionDir);
  workspace = path.join(tmp, 'workspace');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function runOn(name: string, options: Parameters<typeof writeHostileDataset>[1] = {}) {
  await writeHostileDataset(path.join(workspace, name), options);
  return runBuiltAction({
    actionDir,
    workspace,
    tmp,
    inputs: { config: `${name}/visiongate.yml`, 'out-dir': `${name}-out` },
  });
}

function expectNoInjection(r: ActionRun): void {
  const commands = runnerCommands(r.stdout);
  for (const c of commands) {
    expect(OURS.has(c.name), `unexpected command line: ${JSON.stringify(c.text)}`).toBe(true);
    expect(c.properties, JSON.stringify(c.text)).not.toContain(MARKER);
    expect(c.data.startsWith(MARKER), JSON.stringify(c.text)).toBe(false);
  }
  expect(r.stdout).not.toContain('##[');
  const raw = RAW_CONTROL.exec(r.stdout);
  expect(raw && JSON.stringify(r.stdout.slice(raw.index - 40, raw.index + 40))).toBeNull();
}

describe('hostile dataset strings in the built Action', () => {
  it('logs a run over them with only its own workflow commands', async () => {
    const r = await runOn('ok');
    // The dataset is valid: the run goes through, and the gate fails on every slice.
    expect(r.code, r.stdout).toBe(1);
    expect(r.outputs.verdict).toBe('fail');
    expectNoInjection(r);
    // The hostile strings are in the log, shown, not executed.
    expect(r.stdout).toContain(`metadata columns: camera\\n::warning title=${MARKER}::header`);
    expect(r.stdout).toContain('\\x1b[2J');
  });

  it('names hostile ids, file names and labels in errors without running them', async () => {
    const runs = await Promise.all([
      // A duplicate id, a file that is not there, a label outside the class list.
      runOn('dup', { extraRows: [`"${HOSTILE.id}",images/green-0.png,green,b,day`] }),
      runOn('missing', {
        extraRows: [`x9,"images/gone\n::add-mask::${MARKER}.png",green,b,day`],
      }),
      runOn('label', { extraRows: [`x9,images/green-0.png,"cat\n::notice::${MARKER}",b,day`] }),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(1);
      expectNoInjection(r);
    }
    expect(runs[0].stdout).toContain('duplicate example ids');
    expect(runs[1].stdout).toContain('image file(s) not found');
    expect(runs[2].stdout).toContain('labels not in the class list');
  });
});
