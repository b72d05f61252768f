/**
 * VisionGate's GitHub side: the only module that talks to GitHub. The Action entry builds a
 * port with `createGitHubPort`, calls `lookupBaseline` before the evaluation and `publish` after
 * it, passing `github.context` values as plain parameters. See docs/github.md.
 */
export type * from './port.js';
export { createGitHubPort, OctokitGitHub, ANNOTATIONS_PER_REQUEST } from './octokit-adapter.js';
export type { AdapterOptions, CreatePortOptions } from './octokit-adapter.js';
export { createOctokit } from './client.js';
export type { ClientOptions, ClientLog, Octokit } from './client.js';
export {
  publish,
  lookupBaseline,
  DEFAULT_BASELINE_BRANCH,
  DEFAULT_ISSUE_LABELS,
} from './publish.js';
export type {
  PublishInput,
  PublishResult,
  PublishModes,
  SuiteCheck,
  LookupBaselineInput,
  LookupBaselineResult,
  BaselineSource,
} from './publish.js';
export { describeEvent } from './event.js';
export type { EventInput, EventFacts } from './event.js';
export { safeKey, commentMarker, nightlyMarker, checkName } from './keys.js';
export {
  COMMENT_BODY_LIMIT,
  CHECK_TEXT_LIMIT,
  composeBody,
  fitMarkdown,
  truncateMarkdown,
} from './markdown-fit.js';
export type { Render, FitResult, BodyParts } from './markdown-fit.js';
export { checkConclusion, commitState } from './verdict.js';
export { unzipArtifact } from './artifact-baseline.js';
export { createArtifactPort, uploadReportArtifact } from './artifact-upload.js';
export type { BaselineEntry } from './baseline-layout.js';
