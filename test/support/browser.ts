/**
 * A real headless Chromium for the report.html tests, with no browser download at run time:
 * @sparticuz/chromium ships the binary inside its npm package (unpacked to /tmp on first use),
 * puppeteer-core drives it. Where that binary cannot run (another OS or architecture), a system
 * Chromium is used if one is found; otherwise the tests are skipped with a visible notice.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';

/** Chromium executables of Linux distributions, tried when the bundled one cannot run. */
const SYSTEM_CHROMIUM = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

export interface ChromiumLaunch {
  browser?: Browser;
  /** Why no browser could be launched (shown as the skip notice). */
  unavailable?: string;
}

/** Launch headless Chromium, or say why not. */
export async function launchChromium(): Promise<ChromiumLaunch> {
  const puppeteer = (await import('puppeteer-core')).default;
  const problems: string[] = [];
  if (process.platform === 'linux' && process.arch === 'x64') {
    try {
      const chromium = (await import('@sparticuz/chromium')).default;
      const executablePath = await chromium.executablePath();
      const browser = await puppeteer.launch({
        executablePath,
        args: [...chromium.args, '--no-sandbox'],
        headless: true,
      });
      return { browser };
    } catch (error) {
      problems.push(`@sparticuz/chromium: ${String(error)}`);
    }
  } else {
    problems.push(
      `@sparticuz/chromium ships Linux x64 only (this is ${process.platform} ${process.arch})`,
    );
  }
  const system = process.env.CHROMIUM_PATH ?? SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (system) {
    try {
      const browser = await puppeteer.launch({
        executablePath: system,
        args: ['--no-sandbox', '--headless=new'],
        headless: true,
      });
      return { browser };
    } catch (error) {
      problems.push(`${system}: ${String(error)}`);
    }
  } else problems.push('no system Chromium found (set CHROMIUM_PATH)');
  return { unavailable: problems.join('; ') };
}
