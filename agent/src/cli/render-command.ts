// `ferry-agent render`: what the agent would apply, from a Git repo path or a local folder, as YAML;
// or every error with its file:line. Pull-request pipelines run it to check a change before it merges.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_RENDER_OPTIONS,
  isRenderInput,
  printObjects,
  render,
  type RenderFile,
} from '../render/index.ts';
import { DEFAULT_FETCH_SOURCE_OPTIONS, fetchSource, readDir, SourceError } from '../source/index.ts';
import { EXIT, type CliIo, type ExitCode } from './exit-codes.ts';
import { SOURCE_OPTIONS, SOURCE_USAGE, sourceSpecFrom, type SourceValues } from './source-options.ts';

export const RENDER_USAGE = `usage:
  ferry-agent render --repo URL [--ref REF] [--path P] [options]
  ferry-agent render --dir DIR [options]

${SOURCE_USAGE}
  --target-namespace NS   namespace for namespaced objects that name none (default: default)
  --show-secrets          print Secret values (they are redacted by default)

exit codes: 0 rendered, 1 invalid manifests, 2 bad arguments, 3 Git source error`;

const OPTIONS = {
  ...SOURCE_OPTIONS,
  dir: { type: 'string' },
  'target-namespace': { type: 'string', default: DEFAULT_RENDER_OPTIONS.targetNamespace },
  'show-secrets': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function usage(io: CliIo, message: string): ExitCode {
  io.stderr(`ferry-agent render: ${message}\n${RENDER_USAGE}\n`);
  return EXIT.usage;
}

async function filesFromGit(
  values: SourceValues & { 'cache-dir'?: string | undefined },
  io: CliIo,
): Promise<{ files: RenderFile[]; revision: string }> {
  const spec = sourceSpecFrom(values, io.env);
  const cacheDir = values['cache-dir'] ?? mkdtempSync(join(tmpdir(), 'ferry-render-'));
  try {
    const result = await fetchSource(spec, {
      ...DEFAULT_FETCH_SOURCE_OPTIONS,
      cacheDir,
      wantFile: isRenderInput,
    });
    io.stderr(
      `rendering ${result.revision} (${result.commit.author.name}, ${result.commit.time}): ${result.commit.subject}\n`,
    );
    return { files: [...result.files], revision: result.revision };
  } finally {
    if (values['cache-dir'] === undefined) rmSync(cacheDir, { recursive: true, force: true });
  }
}

export async function runRender(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  if (values.help) {
    io.stdout(`${RENDER_USAGE}\n`);
    return EXIT.ok;
  }
  if ((values.repo === undefined) === (values.dir === undefined))
    return usage(io, 'give exactly one of --repo and --dir');
  let files: RenderFile[];
  let revision: string;
  try {
    if (values.dir !== undefined) {
      files = readDir(values.dir, { ...DEFAULT_FETCH_SOURCE_OPTIONS, wantFile: isRenderInput });
      revision = `dir:${values.dir}`;
    } else {
      ({ files, revision } = await filesFromGit({ ...values, repo: values.repo ?? '' }, io));
    }
  } catch (error) {
    if (error instanceof SourceError) {
      if (error.code === 'invalid-ref') return usage(io, error.message);
      io.stderr(`ferry-agent render: source error (${error.code}): ${error.message}\n`);
      return EXIT.source;
    }
    throw error;
  }
  const result = render(files, { ...DEFAULT_RENDER_OPTIONS, targetNamespace: values['target-namespace'] });
  if (!result.ok) {
    for (const error of result.errors)
      io.stderr(`${error.file}:${error.line}: ${error.message} [${error.code}]\n`);
    io.stderr(
      `ferry-agent render: ${result.errors.length} error(s) in ${revision}; nothing would be applied\n`,
    );
    return EXIT.invalid;
  }
  io.stdout(
    `# Revision: ${revision}\n${printObjects(result.objects, { showSecrets: values['show-secrets'] })}`,
  );
  io.stderr(`${result.objects.length} object(s)\n`);
  return EXIT.ok;
}
