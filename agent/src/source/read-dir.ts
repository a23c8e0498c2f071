// A local folder as a source (`ferry-agent render --dir`): the same files, limits and stable order
// as a Git path, read from disk. Symlinks are not followed.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceError } from './errors.ts';
import { byPath, type SourceFile } from './types.ts';

export interface ReadDirOptions {
  readonly wantFile: (path: string) => boolean;
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
}

export function readDir(root: string, options: ReadDirOptions): SourceFile[] {
  try {
    if (!lstatSync(root).isDirectory()) throw new Error('not a folder');
  } catch (error) {
    throw new SourceError('path-not-found', `${root} is not a folder`, { cause: error });
  }
  const files: SourceFile[] = [];
  let total = 0;
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) walk(join(dir, entry.name), path);
      else if (entry.isFile() && options.wantFile(path)) {
        const content = readFileSync(join(dir, entry.name));
        if (content.length > options.maxFileBytes) {
          throw new SourceError(
            'too-large',
            `${path} is ${content.length} bytes, over the limit of ${options.maxFileBytes}`,
          );
        }
        total += content.length;
        if (total > options.maxTotalBytes)
          throw new SourceError('too-large', `the files under ${root} exceed ${options.maxTotalBytes} bytes`);
        files.push({ path, content });
      }
    }
  };
  walk(root, '');
  return files.sort(byPath);
}
