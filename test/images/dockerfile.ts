// A Dockerfile read for what the image tests check: its global ARGs, its stages (base image with the
// ARGs' defaults put in, name, instructions) and the forms of the instructions they look at (COPY, ENV,
// exec-form ENTRYPOINT and CMD). Lines ending in `\` go on; comment lines, also inside a continued
// instruction, are dropped, as Docker drops them. Only what these Dockerfiles use is understood:
// anything else fails loudly rather than being read wrong.

export interface Instruction {
  /** Upper case: FROM, RUN, COPY, ... */
  readonly keyword: string;
  /** The rest of the instruction, continuation lines joined by a space. */
  readonly text: string;
  /** 1-based line where it starts. */
  readonly line: number;
}

export interface Stage {
  /** The base image, ARG defaults substituted (`node:20-bookworm-slim`). */
  readonly base: string;
  readonly name: string | undefined;
  /** What follows its FROM, up to the next FROM. */
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** The ARGs before the first FROM and their defaults. */
  readonly args: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
}

export interface CopyInstruction {
  /** `--from=STAGE`: from an earlier stage (or an image) instead of the build context. */
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly dest: string;
}

function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) return;
    if (pending === undefined && trimmed === '') return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending =
      pending === undefined
        ? { text: part, line: index + 1 }
        : { text: `${pending.text} ${part}`.trim(), line: pending.line };
    if (continued) return;
    const match = /^(\S+)\s*([\s\S]*)$/.exec(pending.text);
    if (match?.[1] !== undefined)
      out.push({ keyword: match[1].toUpperCase(), text: match[2] ?? '', line: pending.line });
    pending = undefined;
  });
  if (pending !== undefined)
    throw new Error(`Dockerfile: line ${pending.line} ends in \\ with nothing after`);
  return out;
}

/** `${NAME}` and `$NAME` replaced by the ARG's default; an ARG without one is an error. */
export function substitute(text: string, args: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (_, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    const value = args[name];
    if (value === undefined) throw new Error(`Dockerfile: ${name} has no default among the global ARGs`);
    return value;
  });
}

function unquote(value: string): string {
  return /^".*"$|^'.*'$/.test(value) ? value.slice(1, -1) : value;
}

export function parseDockerfile(text: string): Dockerfile {
  const args: Record<string, string> = {};
  const stages: { base: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const instruction of instructions(text)) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.text.split(/\s+/).filter((word) => !word.startsWith('--platform='));
      const [image, as, name] = words;
      if (image === undefined || (as !== undefined && (as.toUpperCase() !== 'AS' || name === undefined)))
        throw new Error(
          `Dockerfile line ${instruction.line}: FROM ${instruction.text} is not IMAGE [AS NAME]`,
        );
      stages.push({ base: substitute(image, args), name, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage !== undefined) stage.instructions.push(instruction);
    else if (instruction.keyword === 'ARG') {
      const [name, value] = instruction.text.split('=', 2);
      if (name !== undefined && value !== undefined) args[name.trim()] = unquote(value.trim());
    } else
      throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before the first FROM`);
  }
  return { args, stages };
}

/** A JSON-array (exec form) argument list; undefined for the shell form. */
export function execForm(text: string): string[] | undefined {
  if (!text.trimStart().startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string'))
    throw new Error(`Dockerfile: ${text} is not a JSON list of strings`);
  return parsed;
}

export function parseCopy(instruction: Instruction): CopyInstruction {
  const words = execForm(instruction.text) ?? instruction.text.split(/\s+/).filter((word) => word !== '');
  let from: string | undefined;
  const paths: string[] = [];
  for (const word of words) {
    if (word.startsWith('--from=')) from = word.slice('--from='.length);
    else if (word.startsWith('--chown=') || word.startsWith('--chmod=') || word === '--link') continue;
    else if (word.startsWith('--'))
      throw new Error(`Dockerfile line ${instruction.line}: COPY ${word} is not understood here`);
    else paths.push(word);
  }
  const dest = paths.pop();
  if (dest === undefined || paths.length === 0)
    throw new Error(`Dockerfile line ${instruction.line}: COPY needs a source and a destination`);
  return { from, sources: paths, dest };
}

/** `ENV A=1 B="two words"` (and the old `ENV A value`) as a record. */
export function parseEnv(instruction: Instruction): Record<string, string> {
  const text = instruction.text.trim();
  if (!/^[A-Za-z_]\w*=/.test(text)) {
    const [name, ...rest] = text.split(/\s+/);
    return name === undefined ? {} : { [name]: rest.join(' ') };
  }
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) env[name] = unquote(value);
  }
  return env;
}

/** Every instruction of `keyword` in the stage, in order. */
export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** The stage's environment: its ENV instructions merged in order. */
export function stageEnv(stage: Stage): Record<string, string> {
  return Object.assign({}, ...all(stage, 'ENV').map(parseEnv)) as Record<string, string>;
}
