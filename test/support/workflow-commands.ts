/**
 * The workflow commands a GitHub runner would find in a log, by the runner's own rules
 * (actions/runner src/Runner.Common/ActionCommand.cs): the output is read line by line (.NET
 * ReadLine: `\n`, `\r` or `\r\n` end a line); a line is a command when, after leading white
 * space, it starts with `::` and has a second `::` (TryParseV2), or when it holds `##[` followed
 * later by `]` anywhere (the legacy TryParse). Any command name counts here, registered or not,
 * so that a test is stricter than the runner.
 */
export interface FoundCommand {
  line: number;
  name: string;
  /** What follows the command name up to the data: the properties. */
  properties: string;
  data: string;
  text: string;
}

export function runnerCommands(output: string): FoundCommand[] {
  const found: FoundCommand[] = [];
  output.split(/\r\n|\r|\n/).forEach((text, line) => {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('::')) {
      const end = trimmed.indexOf('::', 2);
      if (end >= 0) {
        const info = trimmed.slice(2, end);
        const space = info.indexOf(' ');
        found.push({
          line,
          name: space < 0 ? info : info.slice(0, space),
          properties: space < 0 ? '' : info.slice(space + 1),
          data: trimmed.slice(end + 2),
          text,
        });
        return;
      }
    }
    const legacy = text.indexOf('##[');
    if (legacy >= 0) {
      const close = text.indexOf(']', legacy);
      if (close >= 0) {
        const info = text.slice(legacy + 3, close);
        const space = info.indexOf(' ');
        found.push({
          line,
          name: space < 0 ? info : info.slice(0, space),
          properties: space < 0 ? '' : info.slice(space + 1),
          data: text.slice(close + 1),
          text,
        });
      }
    }
  });
  return found;
}
