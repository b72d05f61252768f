import path from 'node:path';
import { renderJUnit } from '../report/junit.js';
import { renderMarkdown, type MarkdownOptions } from '../report/markdown.js';
import type { Report } from '../report/schema.js';
import type { ExampleTable } from '../tables/examples.js';
import type { ImageFacts } from '../tables/images.js';
import type { RecordSet } from '../tables/records.js';
import { writeHtmlReport, type HtmlOutputOptions } from './html-report.js';
import { checkOutputDir, replaceOutputDir } from './output-dir.js';
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
  /** report.html, when written (config `report.html`). */
  html?: string;
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

/**
 * Write report.json, report.md, records.jsonl, examples.jsonl, junit.xml (and report.html, see
 * engine/html-report.ts) into `dir`, replacing
 * the folder as a whole (engine/output-dir.ts): a failed write leaves the previous folder as it
 * was, never half of each. report.json is written last and records the line count and sha256 of
 * the JSON-lines files (`files`), so that a truncated copy of the folder is refused when read
 * back. `report` gets that `files` field.
 */
export async function writeOutputs(
  dir: string,
  report: Report,
  records: RecordSet,
  examples: ExampleTable,
  images: ImageFacts,
  options: MarkdownOptions,
  html?: HtmlOutputOptions,
): Promise<WrittenOutputs> {
  const out = await checkOutputDir(dir);
  const markdown = renderMarkdown(report, options);
  let htmlWritten = false;
  await replaceOutputDir(out, async (into) => {
    const at = (name: string) => path.join(into, name);
    const files = {
      [RESULT_FILES.records]: await writeLinesAtomic(
        at(RESULT_FILES.records),
        recordLines(records),
      ),
      [RESULT_FILES.examples]: await writeLinesAtomic(
        at(RESULT_FILES.examples),
        exampleLines(examples, images),
      ),
    };
    report.files = files;
    await writeFileAtomic(at(RESULT_FILES.markdown), markdown);
    await writeFileAtomic(at(RESULT_FILES.junit), renderJUnit(report));
    htmlWritten =
      html !== undefined &&
      (await writeHtmlReport(into, report, examples, records, html)) !== undefined;
    await writeFileAtomic(at(RESULT_FILES.report), `${JSON.stringify(report, null, 2)}\n`);
  });
  return {
    dir: out.dir,
    reportJson: path.join(out.dir, RESULT_FILES.report),
    reportMarkdown: path.join(out.dir, RESULT_FILES.markdown),
    records: path.join(out.dir, RESULT_FILES.records),
    examples: path.join(out.dir, RESULT_FILES.examples),
    junit: path.join(out.dir, RESULT_FILES.junit),
    markdown,
    ...(htmlWritten ? { html: path.join(out.dir, RESULT_FILES.html) } : {}),
  };
}
