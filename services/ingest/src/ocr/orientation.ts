import type { Rotation } from './types.js';

/**
 * A page read with less confidence than this gets its orientation checked. Measured: clean 300 DPI
 * pages read at 0.93-0.96 upright and 0.12-0.51 upside down or turned (tesseract reads such text
 * as garbage, never this confidently); real receipt scans read upright at 0.62-0.89, so a higher
 * bar would send most of them through OSD and extra readings for nothing.
 */
export const ORIENTATION_CHECK_BELOW = 0.6;
/**
 * OSD confidence from which an answer is taken as settled (measured: 7-15 for right answers on
 * pages of three lines and more). Below it (short text gives OSD few characters to judge), its
 * answer only decides which rotation is tried first.
 */
export const TRUSTED_OSD_CONFIDENCE = 5;

export interface Reading {
  rotation: Rotation;
  confidence: number;
}

export interface OrientationGuess {
  rotation: Rotation;
  confidence: number;
}

/**
 * Picks the upright reading of a page, given its reading as it came (EXIF-oriented).
 *
 * Recognition comes first and OSD only when that reading is doubtful: most pages arrive upright,
 * and running OSD on every page would add ~40% to the time of each. When OSD is sure, its
 * rotation is read and the better of the two readings kept (so an OSD mistake cannot make a page
 * worse). When it is not (it needs a few dozen characters), the other rotations are read in turn,
 * OSD's guess first, stopping at the first confident reading: at most three extra readings, and
 * only for pages that read poorly every way, which are rare.
 */
export async function readUpright<R extends Reading>(
  asGiven: R,
  detect: () => Promise<OrientationGuess | null>,
  readAt: (rotation: Rotation) => Promise<R>,
): Promise<R> {
  if (asGiven.confidence >= ORIENTATION_CHECK_BELOW) return asGiven;
  const guess = await detect();
  const trusted = guess !== null && guess.confidence >= TRUSTED_OSD_CONFIDENCE;
  if (trusted && guess.rotation === 0) return asGiven;
  // Upside down first: the usual wrong way to feed a page. A page turned clockwise mostly never
  // gets here, as tesseract reads its text as vertical lines.
  const others: Rotation[] = [180, 90, 270];
  const order = trusted ? [guess.rotation] : guess && guess.rotation !== 0 ? [guess.rotation, ...others.filter((r) => r !== guess.rotation)] : others;
  let best = asGiven;
  for (const rotation of order) {
    const reading = await readAt(rotation);
    if (reading.confidence > best.confidence) best = reading;
    if (best.confidence >= ORIENTATION_CHECK_BELOW) break;
  }
  return best;
}
