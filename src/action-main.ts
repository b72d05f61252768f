import { platformProblem } from './platform.js';

// Checked before anything loads the native modules, so an unsupported runner gets a sentence.
const problem = platformProblem();
if (problem) {
  process.stdout.write(`::error::${problem}\n`);
  process.exit(1);
}
const { run } = await import('./action/index.js');
await run();
