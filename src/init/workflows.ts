/**
 * The GitHub workflows VisionGate recommends, as templates: `init --workflows` writes them for a
 * project, and docs/workflows/{pr,baseline,nightly}.yml are these same templates rendered with
 * {@link DOCS_WORKFLOW_OPTIONS} (written by `npm run schema`, checked by a test), so the
 * documented workflows and the written ones cannot drift apart. Each has the minimal
 * `permissions:` its mode needs (docs/github.md, "Permissions").
 */
import { scalar } from './render-yaml.js';

export interface WorkflowOptions {
  /** The config file, relative to the repository root (the Action's working directory). */
  config: string;
  /** The check, comment and baseline key of PR and push runs: the config's `name`. */
  key: string;
  /** Paths (relative to the repository root) whose change makes a PR worth evaluating. */
  watch: string[];
  /** The config of the nightly run, and a comment line about it. */
  nightlyConfig: string;
  nightlyConfigNote: string;
  /** The nightly run's own key (its results are compared with the last green night). */
  nightlyKey: string;
}

/** The options the documented workflows in docs/workflows/ are rendered with. */
export const DOCS_WORKFLOW_OPTIONS: WorkflowOptions = {
  config: 'visiongate.yml',
  key: 'default',
  watch: ['models/', 'data/', 'visiongate.yml'],
  nightlyConfig: 'visiongate.nightly.yml',
  nightlyConfigNote: 'The heavy run: every corruption family and severity, all slices.',
  nightlyKey: 'nightly',
};

/** A path as one word in a POSIX shell command: single-quoted unless it is plain. */
function shellWord(p: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** File name (under .github/workflows/) → text, for the PR check, the baseline store and the nightly run. */
export function workflowFiles(o: WorkflowOptions): {
  pr: string;
  baseline: string;
  nightly: string;
} {
  return { pr: prWorkflow(o), baseline: baselineWorkflow(o), nightly: nightlyWorkflow(o) };
}

function prWorkflow(o: WorkflowOptions): string {
  return `# VisionGate on pull requests: evaluate the candidate model, report a check run and one sticky
# comment. See docs/github.md.
#
# No \`paths:\` filter on purpose: a required check whose workflow never starts stays "Expected"
# and blocks the merge forever. The workflow always runs; the evaluation step is skipped inside
# the job when nothing relevant changed. If you skip it like this and want to require
# something, require this job ("VisionGate PR / visiongate"; a skipped step or job reports
# success), not the "VisionGate (${o.key})" check run, which exists only when the evaluation ran.
#
# Pull requests from forks run here with a read-only token: VisionGate evaluates, writes the job
# summary and skips every write with one notice. pr-comment.yml then comments from a trusted
# workflow_run. Never switch this to pull_request_target: it would run the PR's code and model
# with a write token and secrets.
name: VisionGate PR

on:
  pull_request:

permissions:
  contents: read # checkout, and reading the visiongate-baselines branch
  checks: write # the check run (without it: a commit status, needs statuses: write)
  pull-requests: write # the sticky comment

# One run per PR at a time: a newer push cancels the stale run, and two runs can never race to
# create the sticky comment twice.
concurrency:
  group: visiongate-pr-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  visiongate:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # to compare with the base commit below
          lfs: true # models and images usually live in Git LFS

      - name: Did the model, the data or the config change?
        id: changed
        env:
          BASE_SHA: \${{ github.event.pull_request.base.sha }}
        run: |
          if git diff --quiet "$BASE_SHA" HEAD -- ${o.watch.map(shellWord).join(' ')}; then
            echo "relevant=false" >> "$GITHUB_OUTPUT"
          else
            echo "relevant=true" >> "$GITHUB_OUTPUT"
          fi

      - name: VisionGate
        if: steps.changed.outputs.relevant == 'true'
        uses: visiongate/visiongate@v1
        with:
          config: ${scalar(o.config)}
          key: ${scalar(o.key)}
          github-token: \${{ github.token }}
          fail-on: error
          # The artifact is uploaded below, after the PR number is added to the folder.
          upload-artifact: false

      # For pr-comment.yml: which PR and commit this report belongs to. Numbers and hex only.
      - name: Record the pull request for the comment workflow
        if: always() && steps.changed.outputs.relevant == 'true'
        env:
          PR_NUMBER: \${{ github.event.pull_request.number }}
          HEAD_SHA: \${{ github.event.pull_request.head.sha }}
        run: |
          mkdir -p visiongate-out
          printf '%s\\n' "$PR_NUMBER" > visiongate-out/pr-number
          printf '%s\\n' "$HEAD_SHA" > visiongate-out/head-sha

      - name: Upload the report
        if: always() && steps.changed.outputs.relevant == 'true'
        uses: actions/upload-artifact@v4
        with:
          name: visiongate-report
          path: visiongate-out/
          retention-days: 14
`;
}

function baselineWorkflow(o: WorkflowOptions): string {
  return `# Stores the default branch's results as the baseline PR runs compare against (see
# docs/github.md, "Baselines"). Each push to the default branch evaluates and writes
# <key>/<sha>/{report.json,records.jsonl} to the visiongate-baselines branch with the git data
# API. The push made with GITHUB_TOKEN does not trigger any workflow.
name: VisionGate baseline

on:
  push:
    branches: [main] # your default branch
  workflow_dispatch: # to (re)build the baseline by hand

permissions:
  contents: write # create and advance the visiongate-baselines branch
  checks: write # a check run on the pushed commit

# Stores are safe to run concurrently (a lost ref race is retried on the new head); queuing
# them just avoids the retries. Never cancel: every default-branch commit should be stored.
concurrency:
  group: visiongate-baseline
  cancel-in-progress: false

jobs:
  baseline:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
        with:
          lfs: true

      - name: VisionGate
        uses: visiongate/visiongate@v1
        with:
          config: ${scalar(o.config)}
          key: ${scalar(o.key)} # must match the key the PR workflow uses
          github-token: \${{ github.token }}
          store-baseline: auto # push to the default branch: store
          # The baseline records what the default branch is; a failing gate shows in the check
          # run, it should not stop the store.
          fail-on: never

      # Optional second route for repositories that prefer artifacts to a branch: PR runs can
      # look the baseline up by workflow (baseline.yml) and artifact name instead. Artifacts
      # expire (90 days by default).
      - name: Upload the baseline artifact
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: visiongate-baseline
          path: visiongate-out/
          retention-days: 90
`;
}

function nightlyWorkflow(o: WorkflowOptions): string {
  return `# Nightly evaluation with a tracking issue (see docs/github.md, "Nightly tracking issue"): a
# failing night opens one issue (labels created if missing), each further failing night edits
# it with the latest report and adds a one-line comment, the first green night closes it.
#
# Kept in its own file on purpose: in a public repository GitHub disables scheduled workflows
# after 60 days without repository activity, and that disables the whole workflow file, every
# trigger in it. A quiet repository must re-enable this workflow from the Actions tab; keeping
# the schedule apart means the PR and baseline workflows never stop with it.
name: VisionGate nightly

on:
  schedule:
    # 03:17 UTC. Off the hour: scheduled runs start late when GitHub is busy, most at :00.
    - cron: '17 3 * * *'
  workflow_dispatch:

permissions:
  contents: write # store a green night as the nightly baseline
  checks: write # a check run on the evaluated commit
  issues: write # the tracking issue and its labels

concurrency:
  group: visiongate-nightly
  cancel-in-progress: false

jobs:
  nightly:
    runs-on: ubuntu-latest
    timeout-minutes: 120
    steps:
      - uses: actions/checkout@v4
        with:
          lfs: true

      - name: VisionGate
        uses: visiongate/visiongate@v1
        with:
          # ${o.nightlyConfigNote}
          config: ${scalar(o.nightlyConfig)}
          # Its own key: nightly results are compared with the last green night, stored under
          # its own key on the baselines branch. A failing night is never stored (store-baseline:
          # auto), so a regression keeps failing until it is fixed.
          key: ${scalar(o.nightlyKey)}
          github-token: \${{ github.token }}
          comment: false
          tracking-issue: true
          issue-labels: visiongate,nightly
          fail-on: error
          # The Action uploads the output folder (report.html included) as the artifact
          # visiongate-<key> and links it from the job summary and the tracking issue.
`;
}
