/**
 * One text order on every machine. `String#localeCompare` follows the host's locale (under
 * sv-SE "ä" sorts after "z"), which made slice and example order, and so which rows the
 * comment shows, depend on where VisionGate ran. English collation, then code units as a
 * tie-break so distinct strings never compare equal.
 */
const collator = new Intl.Collator('en');
export const compareText = (a: string, b: string): number =>
  collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
