import * as core from '@actions/core';
import { errorLogText, escapeLogLines, escapeLogText } from '../log-text.js';

/**
 * The Action's log: @actions/core's functions with every message made safe by log-text.ts
 * first. `core.info` writes its text raw, so a dataset string with a newline and `::warning::`
 * in it would run as a workflow command; annotations escape newlines themselves but pass
 * terminal controls through. Everything the Action logs goes through here.
 */
export const actionLog = {
  info: (text: string): void => core.info(escapeLogText(text)),
  notice: (text: string): void => core.notice(escapeLogText(text)),
  warning: (text: string, props?: core.AnnotationProperties): void =>
    core.warning(escapeLogText(text), props && safeProperties(props)),
  error: (text: string, props?: core.AnnotationProperties): void =>
    core.error(escapeLogText(text), props && safeProperties(props)),
  /** A stack trace or other text whose line breaks are ours. */
  debug: (text: string): void => core.debug(escapeLogLines(text.split('\n'))),
  /** Fail the step with an error's message (detail lines kept, each made safe). */
  fail: (error: unknown, prefix = ''): void => core.setFailed(`${prefix}${errorLogText(error)}`),
};

function safeProperties(props: core.AnnotationProperties): core.AnnotationProperties {
  return {
    ...props,
    ...(props.title !== undefined ? { title: escapeLogText(props.title) } : {}),
    ...(props.file !== undefined ? { file: escapeLogText(props.file) } : {}),
  };
}
