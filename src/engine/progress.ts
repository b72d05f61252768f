/** Progress of a run as log lines people read in CI logs: the CLI off a terminal, and the Action. */

/** A progress hook that writes `phase: done/total images` at most once per 10% step. */
export function progressLines(
  write: (line: string) => void,
): (phase: string, done: number, total: number) => void {
  let lastStep = -1;
  return (phase, done, total) => {
    const step = Math.floor((done / Math.max(total, 1)) * 10);
    if (step !== lastStep) {
      lastStep = step;
      write(`${phase}: ${done}/${total} images`);
    }
  };
}
