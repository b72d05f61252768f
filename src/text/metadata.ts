/** An example's metadata as `key=value` pairs joined by commas, as the comment and report.html list it. */
export function metadataText(metadata: Readonly<Record<string, string>>): string {
  return Object.entries(metadata)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
