/**
 * The zip container of a `.keras` file (fflate). Reading checks the archive before inflating
 * anything: entry names with `..`, absolute paths or backslashes are ignored, only stored and
 * deflated entries are read, and the declared uncompressed sizes may not add up to more than
 * MAX_UNZIPPED_BYTES (a zip bomb is refused before it expands). Writing stores entries
 * uncompressed, as Keras does.
 */
import { unzipSync, zipSync, type UnzipFileInfo } from 'fflate';
import { ValueError } from '../../errors.js';

/** The most a .keras file may hold once unzipped (2 GiB: a model of 500M float32 parameters). */
export const MAX_UNZIPPED_BYTES = 2 ** 31;

/** Whether an entry name stays inside the archive (no `..` segment, no absolute or drive path). */
function safeName(name: string): boolean {
  return !name.startsWith('/') && !name.includes('\\') && !/^[a-zA-Z]:/.test(name) && !name.split('/').includes('..');
}

/** The entries of a zip archive named `wanted` (others are not inflated). */
export function readZip(bytes: Uint8Array, wanted: readonly string[], what = 'The .keras file'): Map<string, Uint8Array> {
  let declared = 0;
  const refusals: string[] = [];
  const filter = (f: UnzipFileInfo) => {
    if (!safeName(f.name) || !wanted.includes(f.name)) return false;
    if (f.compression !== 0 && f.compression !== 8) {
      refusals.push(`entry ${f.name} uses compression method ${f.compression} (only stored and deflated entries are supported)`);
      return false;
    }
    declared += f.originalSize;
    if (declared > MAX_UNZIPPED_BYTES) {
      refusals.push(`its entries declare more than ${MAX_UNZIPPED_BYTES} bytes uncompressed`);
      return false;
    }
    return true;
  };
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter });
  } catch (e) {
    throw new ValueError(`${what} is not a readable zip archive: ${(e as Error).message} (truncated or damaged?)`);
  }
  if (refusals.length) throw new ValueError(`${what} is refused: ${refusals.join('; ')}`);
  return new Map(Object.entries(files));
}

/** A zip archive of `entries` (in order), stored uncompressed with a fixed 1980 date as Keras's metadata entries have. */
export function writeZip(entries: [string, Uint8Array][]): Uint8Array {
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  return zipSync(Object.fromEntries(entries.map(([name, data]) => [name, [data, { level: 0, mtime }]])), { level: 0 });
}
