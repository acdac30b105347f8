/**
 * Replaces a set of files in one directory so that a failure at any point leaves the previous set
 * intact (and loadable) and no temporary behind. Each new file is written to a temporary sibling
 * and fsynced; then each existing file is moved aside, the new one renamed in, and the last file
 * (the commit point: model.json, which names the others) renamed in last. If any step fails, what
 * was renamed is moved back and the temporaries are removed, and the error is rethrown.
 * Renames within a directory are atomic on POSIX file systems and on NTFS.
 */

/** The file-system calls used (node:fs/promises; tests inject failures through this). */
export interface AtomicFs {
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  open(path: string, flags: string): Promise<{ sync(): Promise<void>; close(): Promise<void> }>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  access(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
}

export interface NewFile {
  name: string;
  data: Uint8Array | string;
}

const exists = (fs: AtomicFs, path: string) => fs.access(path).then(() => true, () => false);

async function fsync(fs: AtomicFs, path: string): Promise<void> {
  const handle = await fs.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `files` into `dir` as one change: all of them or, on failure, none (see the file comment). */
export async function replaceFilesAtomically(fs: AtomicFs, dir: string, files: NewFile[]): Promise<void> {
  const { join } = await import('node:path');
  const tag = `.tmp-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const target = (f: NewFile) => join(dir, f.name);
  const temp = (f: NewFile) => `${target(f)}${tag}`;
  const aside = (f: NewFile) => `${target(f)}${tag}.old`;
  const written: NewFile[] = [];
  const movedAside: NewFile[] = [];
  const renamedIn: NewFile[] = [];
  try {
    await fs.mkdir(dir, { recursive: true });
    for (const f of files) {
      written.push(f);
      await fs.writeFile(temp(f), f.data);
      await fsync(fs, temp(f));
    }
    for (const f of files) {
      if (await exists(fs, target(f))) {
        await fs.rename(target(f), aside(f));
        movedAside.push(f);
      }
      await fs.rename(temp(f), target(f));
      renamedIn.push(f);
    }
  } catch (error) {
    // undo in reverse: the new files out, the old ones back, the temporaries removed
    for (const f of renamedIn.reverse()) await fs.unlink(target(f)).catch(() => undefined);
    for (const f of movedAside.reverse()) await fs.rename(aside(f), target(f)).catch(() => undefined);
    for (const f of written) await fs.unlink(temp(f)).catch(() => undefined);
    throw error;
  }
  // committed: the old files are no longer referenced
  for (const f of movedAside) await fs.unlink(aside(f)).catch(() => undefined);
}
