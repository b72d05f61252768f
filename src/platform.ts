import { existsSync } from 'node:fs';

/**
 * The packaged Action ships native ONNX Runtime and libvips binaries for Linux x64 (glibc) only,
 * staged in dist/node_modules: see docs/packaging.md. Say so clearly instead of failing inside a
 * native loader. The CLI installed from npm runs the same bundle without dist/node_modules, on the
 * platform packages npm chose, so only a bundle next to the staged binaries is checked.
 */
export function platformProblem(
  platform: string = process.platform,
  arch: string = process.arch,
  staged = usesStagedNatives(),
  glibc: boolean = hasGlibc(),
): string | undefined {
  if (!staged) return undefined;
  if (platform === 'linux' && arch === 'x64' && glibc) return undefined;
  const what =
    platform === 'linux' && arch === 'x64'
      ? 'Linux x64 with musl libc (e.g. Alpine)'
      : `${platform}/${arch}`;
  return `the VisionGate Action runs on Linux x64 (glibc) runners such as ubuntu-latest; this runner is ${what}. Use a GitHub-hosted Ubuntu runner, or install the CLI with npm on this machine.`;
}

/** A bundle (they all share the bundle file's import.meta.url) with dist/node_modules beside it. */
function usesStagedNatives(): boolean {
  if ((globalThis as { __VISIONGATE_BUNDLE__?: boolean }).__VISIONGATE_BUNDLE__ !== true)
    return false;
  return existsSync(new URL('./node_modules/onnxruntime-node/package.json', import.meta.url));
}

function hasGlibc(): boolean {
  const report = process.report?.getReport() as
    { header?: { glibcVersionRuntime?: string } } | undefined;
  return typeof report?.header?.glibcVersionRuntime === 'string';
}
