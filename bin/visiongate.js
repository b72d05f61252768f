#!/usr/bin/env node
// The CLI as shipped: the bundled dist/cli.js with its native packages in dist/node_modules.
import '../dist/cli.js';
