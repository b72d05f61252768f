import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { unzipArtifact } from '../../src/github/artifact-baseline.js';

describe('unzipArtifact', () => {
  it('unpacks files and drops entries that would escape a folder', () => {
    const zip = zipSync({
      'report.json': strToU8('{"a":1}'),
      'nested/records.jsonl': strToU8('{}\n'),
      '../evil.sh': strToU8('rm -rf /'),
      '/abs.txt': strToU8('x'),
      'dir/': new Uint8Array(),
    });
    const files = unzipArtifact(zip, 1024);
    expect([...files.keys()].sort()).toEqual(['nested/records.jsonl', 'report.json']);
    expect(Buffer.from(files.get('report.json')!).toString()).toBe('{"a":1}');
  });

  it('refuses archives that unpack beyond the limit', () => {
    const zip = zipSync({ 'big.bin': new Uint8Array(10_000) }, { level: 9 });
    expect(zip.length).toBeLessThan(1000);
    expect(() => unzipArtifact(zip, 5_000)).toThrow(/more than 5000 bytes/);
  });
});
