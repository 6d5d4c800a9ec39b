// Writes a file so that readers see the old content or the new, never half: write a sibling temp file, then rename.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text, 'utf8');
  // rename(2) within one directory is atomic on POSIX file systems.
  await rename(tmp, file);
}
