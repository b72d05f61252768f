/** What the Action leaves in the job: its outputs and the job summary. */
import * as core from '@actions/core';
import { describeError } from '../errors.js';
import type { WrittenOutputs } from '../engine/output.js';
import { renderMarkdownWithin, type MarkdownOptions } from '../report/markdown.js';
import type { Report } from '../report/schema.js';
import { actionLog } from './log.js';

/** GitHub limits the job summary to 1 MiB per step; stay well under it. */
const SUMMARY_LIMIT = 1_000_000;

/** The step outputs of a run (see action.yml). */
export function setRunOutputs(report: Report, written: WrittenOutputs): void {
  core.setOutput('verdict', report.verdict);
  core.setOutput('report-json', written.reportJson);
  core.setOutput('report-markdown', written.reportMarkdown);
  core.setOutput('records', written.records);
  core.setOutput('junit', written.junit);
  if (written.html) core.setOutput('report-html', written.html);
}

/** The report as the job summary; a failure to write it is a warning naming where the report is. */
export async function writeSummary(
  report: Report,
  options: MarkdownOptions,
  reportFile: string,
): Promise<void> {
  try {
    await core.summary.addRaw(renderMarkdownWithin(report, SUMMARY_LIMIT, options)).write();
  } catch (error) {
    actionLog.warning(
      `could not write the job summary: ${describeError(error)}; the report is in ${reportFile}`,
    );
  }
}
