import { platformProblem } from './platform.js';

// Checked before anything loads the native modules, so an unsupported machine gets a sentence.
const problem = platformProblem();
if (problem) {
  process.stderr.write(`visiongate: error: ${problem}\n`);
  process.exit(2);
}
const { main } = await import('./cli.js');
process.exitCode = await main(process.argv.slice(2));
