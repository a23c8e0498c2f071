// An image's runtime stage, played on this machine around a bundle built by build-bundle.ts: /app is the
// bundle, every other absolute path the image names (its ENV folders, the links its RUN lines make onto
// PATH) lives under the build's own folder, and the entrypoint runs as the image's USER when the tests
// run as root (so the bundle is also read by a user who does not own it, as in the image).
import { chownSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { all, execForm, stageEnv, type Stage } from './dockerfile.ts';
import { APP_DIR, type LoadedImage } from './images.ts';
import type { BundleBuild } from './build-bundle.ts';
import { runCommand, type CommandOptions, type CommandResult } from './run-command.ts';

export interface ImageUser {
  readonly uid: number;
  readonly gid: number;
}

export interface SymbolicLink {
  /** Both as the image sees them: `/usr/local/bin/ferry` → `/app/dist/cli/main.js`. */
  readonly link: string;
  readonly target: string;
}

export interface Runtime {
  /** The entrypoint, `node` being this Node.js and /app the bundle. */
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly env: Readonly<NodeJS.ProcessEnv>;
  /** The image's USER when this process may switch to it (root), else undefined. */
  readonly user: ImageUser | undefined;
  readonly links: readonly SymbolicLink[];
  /** Where a path of the image is on this machine. */
  path(imagePath: string): string;
  /** Runs a command as the image would (its env and user), e.g. the entrypoint with arguments. */
  run(command: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}

/** The final USER, numeric `uid[:gid]`. */
export function imageUser(final: Stage): ImageUser {
  const text = all(final, 'USER').at(-1)?.text.trim() ?? '';
  const match = /^(\d+)(?::(\d+))?$/.exec(text);
  if (match?.[1] === undefined) throw new Error(`USER "${text}" is not numeric uid[:gid]`);
  return { uid: Number(match[1]), gid: Number(match[2] ?? match[1]) };
}

/** Every `ln -s TARGET LINK` in the stage's RUN lines. */
export function symbolicLinks(stage: Stage): SymbolicLink[] {
  return all(stage, 'RUN').flatMap((run) =>
    [...run.text.matchAll(/\bln -s(?:f)? (\S+) (\S+)/g)].map(([, target = '', link = '']) => ({
      target,
      link,
    })),
  );
}

export function prepareRuntime(image: LoadedImage, bundle: BundleBuild): Runtime {
  const path = (imagePath: string): string =>
    imagePath === APP_DIR || imagePath.startsWith(`${APP_DIR}/`)
      ? join(bundle.outDir, imagePath.slice(APP_DIR.length))
      : join(bundle.root, 'fs', imagePath);
  const declared = imageUser(image.final);
  const user = process.getuid?.() === 0 ? declared : undefined;
  const own = (dir: string): void => {
    mkdirSync(dir, { recursive: true });
    if (user !== undefined) chownSync(dir, user.uid, user.gid);
  };
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(stageEnv(image.final))) {
    if (!value.startsWith('/')) {
      env[name] = value;
      continue;
    }
    env[name] = path(value);
    own(path(value));
  }
  const links = symbolicLinks(image.final);
  for (const { link, target } of links) {
    mkdirSync(dirname(path(link)), { recursive: true });
    symlinkSync(path(target), path(link));
  }
  env.PATH = `${path('/usr/local/bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  const entrypoint = execForm(all(image.final, 'ENTRYPOINT').at(-1)?.text ?? '');
  if (entrypoint === undefined) throw new Error(`${image.spec.dockerfile}: ENTRYPOINT is not in exec form`);
  const mapped = entrypoint.map((word, index) =>
    index === 0 && word === 'node' ? process.execPath : word.startsWith('/') ? path(word) : word,
  );
  const run = (command: readonly string[], options: CommandOptions = {}): Promise<CommandResult> => {
    const [file, ...args] = command;
    if (file === undefined) throw new Error('no command');
    return runCommand(file, args, {
      cwd: path(APP_DIR),
      uid: user?.uid,
      gid: user?.gid,
      timeoutMs: 60_000,
      ...options,
      env: { ...env, ...options.env },
    });
  };
  return {
    entrypoint: mapped,
    cmd: execForm(all(image.final, 'CMD').at(-1)?.text ?? '[]') ?? [],
    env,
    user,
    links,
    path,
    run,
  };
}
