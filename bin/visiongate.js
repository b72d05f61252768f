#!/usr/bin/env node
// The CLI as shipped: the bundled dist/cli.js. Its two native packages (sharp, onnxruntime-node)
// resolve from dist/node_modules in a checkout (the Action's staged Linux x64 copies) and from the
// package's own node_modules when installed from npm (see docs/packaging.md).
import '../dist/cli.js';
