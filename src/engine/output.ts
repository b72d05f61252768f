import path from 'node:path';
import { renderJUnit } from '../report/junit.js';
import { renderMarkdown, type MarkdownOptions } from '../report/markdown.js';
import type { Report } from '../report/schema.js';
import type { ExampleTable } from '../tables/examples.js';
import type { ImageFacts } from '../tables/images.js';
import type { RecordSet } from '../tables/records.js';
import {
  RESULT_FILES,
  recordLines,
  exampleLines,
  writeFileAtomic,
  writeLinesAtomic,
} from './results.js';

export interface WrittenOutputs {
  dir: string;
  examples: string;
  junit: string;
  reportJson: string;
  reportMarkdown: string;
  records: string;
  markdown: string;
}

/** Default markdown options from the config's report section. */
export function markdownOptions(
  config: {
    report: { maxSlices: number; maxExamples: number };
    statistics: { confidence: number };
  },
  extra: Partial<MarkdownOptions> = {},
): MarkdownOptions {
  return {
    maxSlices: config.report.maxSlices,
    maxExamples: config.report.maxExamples,
    details: true,
    confidence: config.statistics.confidence,
    ...extra,
  };
}

/** Write report.json, report.md and records.jsonl into `dir` (each atomically). */
export async function writeOutputs(
  dir: string,
  report: Report,
  records: RecordSet,
  examples: ExampleTable,
  images: ImageFacts,
  options: MarkdownOptions,
): Promise<WrittenOutputs> {
  const markdown = renderMarkdown(report, options);
  const files = {
    reportJson: path.join(dir, RESULT_FILES.report),
    reportMarkdown: path.join(dir, RESULT_FILES.markdown),
    records: path.join(dir, RESULT_FILES.records),
    examples: path.join(dir, RESULT_FILES.examples),
    junit: path.join(dir, RESULT_FILES.junit),
  };
  // Records first: a report.json always has its records next to it.
  await writeLinesAtomic(files.records, recordLines(records));
  await writeLinesAtomic(files.examples, exampleLines(examples, images));
  await writeFileAtomic(files.reportJson, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(files.reportMarkdown, markdown);
  await writeFileAtomic(files.junit, renderJUnit(report));
  return { dir, ...files, markdown };
}
