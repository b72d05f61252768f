/** VisionGate version, written into every report. Kept equal to package.json by a unit test. */
export const VERSION = '0.1.0';
