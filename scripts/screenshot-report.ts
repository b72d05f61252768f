// Screenshots of a report.html for the docs, in the same headless Chromium the tests use:
//
//   npm run demo && npx tsx scripts/screenshot-report.ts out/demo/report.html docs/images
//
// Writes report-html-failing.png (the failing images), report-html-slices.png (the slice chart)
// and report-html-robustness-dark.png (robustness curves in dark mode), 1200 px wide, as
// palette PNGs to keep the repository small.
import path from 'node:path';
import sharp from 'sharp';
import { launchChromium } from '../test/support/browser.js';

const [file, outDir] = process.argv.slice(2);
if (!file || !outDir) {
  console.error('usage: tsx scripts/screenshot-report.ts <report.html> <out dir>');
  process.exit(2);
}
const { browser, unavailable } = await launchChromium();
if (!browser) throw new Error(`no Chromium: ${unavailable}`);
const shots = [
  { name: 'report-html-failing.png', section: '#examples', scheme: 'light' },
  { name: 'report-html-slices.png', section: '#slices', scheme: 'light' },
  { name: 'report-html-robustness-dark.png', section: '#robustness', scheme: 'dark' },
] as const;
for (const shot of shots) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: shot.scheme }]);
  await page.goto(`file://${path.resolve(file)}`, { waitUntil: 'load' });
  await page.$eval(shot.section, (e) => e.scrollIntoView());
  const png = await page.screenshot({ type: 'png' });
  await sharp(png)
    .png({ palette: true, quality: 90, compressionLevel: 9 })
    .toFile(path.join(outDir, shot.name));
  await page.close();
}
await browser.close();
