/**
 * The packaged Action ships native ONNX Runtime and libvips binaries for Linux x64 (glibc) only:
 * see docs/packaging.md. Say so clearly instead of failing inside a native loader. The CLI installed
 * from npm has the platform packages npm chose, so it only checks when running from the bundle.
 */
export function platformProblem(
  platform: string = process.platform,
  arch: string = process.arch,
  bundled = isBundled(),
  glibc: boolean = hasGlibc(),
): string | undefined {
  if (!bundled) return undefined;
  if (platform === 'linux' && arch === 'x64' && glibc) return undefined;
  const what =
    platform === 'linux' && arch === 'x64'
      ? 'Linux x64 with musl libc (e.g. Alpine)'
      : `${platform}/${arch}`;
  return `the VisionGate Action runs on Linux x64 (glibc) runners such as ubuntu-latest; this runner is ${what}. Use a GitHub-hosted Ubuntu runner, or install the CLI with npm on this machine.`;
}

function isBundled(): boolean {
  return (globalThis as { __VISIONGATE_BUNDLE__?: boolean }).__VISIONGATE_BUNDLE__ === true;
}

function hasGlibc(): boolean {
  const report = process.report?.getReport() as
    { header?: { glibcVersionRuntime?: string } } | undefined;
  return typeof report?.header?.glibcVersionRuntime === 'string';
}
