// `pnpm test`: the one test command. Unit tests of every package, then (unless --unit) the end-to-end
// suites against a harness this run starts: two real clusters (c1, c2) and the Git server, shared by
// all test files through FERRY_HARNESS_DIR and stopped by PID at the end, also on failure or Ctrl-C.
//
//   pnpm test                       everything
//   pnpm test --unit                unit tests only (no harness)
//   pnpm test test/smoke/kube       only files whose path contains one of the arguments
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStale } from './built.ts';
import { Harness } from './harness/src/harness.ts';
import { isAlive } from './harness/src/process.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const UNIT_ROOTS = ['shared/src', 'agent/src', 'hub/src', 'test/images'];
const E2E_ROOTS = ['test/smoke', 'test/e2e'];

function testFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(ROOT, dir));
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'fixtures') return [];
    if (statSync(join(ROOT, path)).isDirectory()) return testFiles(path);
    return entry.endsWith('.test.ts') ? [path] : [];
  });
}

function runNodeTests(files: string[], env: NodeJS.ProcessEnv, tapFile: string): Promise<number> {
  const concurrency = process.env.FERRY_TEST_CONCURRENCY ?? '4';
  const args = [
    '--import',
    'tsx',
    '--conditions=@ferry/source',
    '--test',
    `--test-concurrency=${concurrency}`,
    // Per test and per file. The longest e2e files take 30-100 s alone and 200-250 s inside the suite,
    // where four files, their clusters and agents share two cores: 600 s leaves them room, and a hang
    // still ends well inside CI's limit (every wait in the suites has its own, shorter deadline).
    `--test-timeout=${process.env.FERRY_TEST_TIMEOUT_MS ?? 600000}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ];
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code, signal) => {
      done(code ?? (signal ? 1 : 0));
    });
  });
}

/** The plain closing line ("N passed, N failed, N skipped") from the TAP summary. */
function summaryLine(tapFile: string): string | undefined {
  let tap;
  try {
    tap = readFileSync(tapFile, 'utf8');
  } catch {
    return undefined;
  }
  const count = (key: string): number => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  return `${count('pass')} passed, ${count('fail') + count('cancelled')} failed, ${count('skipped') + count('todo')} skipped`;
}

/**
 * A run killed with SIGKILL cannot stop its daemons (they run in their own process groups). The next
 * run finds its folder, sees that its runner is gone, and stops what it left by PID.
 */
async function stopAbandonedRuns(): Promise<void> {
  for (const entry of readdirSync(tmpdir())) {
    const dir = join(tmpdir(), entry);
    const pidFile = join(dir, 'runner.pid');
    if (!entry.startsWith('ferry-test-') || !existsSync(pidFile)) continue;
    if (isAlive(Number(readFileSync(pidFile, 'utf8')))) continue;
    if (existsSync(join(dir, 'harness'))) {
      process.stderr.write(`stopping what an abandoned test run left in ${dir}\n`);
      await Harness.open(join(dir, 'harness')).down();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const unitOnly = argv.includes('--unit');
  const filters = argv.filter((arg) => !arg.startsWith('--'));
  const pick = (files: string[]): string[] =>
    filters.length === 0 ? files : files.filter((file) => filters.some((filter) => file.includes(filter)));
  const unit = pick(UNIT_ROOTS.flatMap(testFiles));
  const e2e = unitOnly ? [] : pick(E2E_ROOTS.flatMap(testFiles));
  const files = [...unit, ...e2e];
  if (files.length === 0) {
    process.stderr.write(`no test files match ${filters.join(' ')}\n`);
    return 1;
  }
  await stopAbandonedRuns();
  const scratch = mkdtempSync(join(tmpdir(), 'ferry-test-'));
  writeFileSync(join(scratch, 'runner.pid'), String(process.pid));
  const tapFile = join(scratch, 'report.tap');
  const env: NodeJS.ProcessEnv = { ...process.env };
  let harness: Harness | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (harness === undefined) return;
      await harness.down();
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: stopping the harness\n`);
    void stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => harness?.killAllSync());

  try {
    if (e2e.length > 0) {
      // The suites run ferry-agent and ferry-hub from dist: build what is older than its sources.
      await buildStale(ROOT, (line) => process.stdout.write(`${line}\n`));
      // The hub serves the release's static install manifest: render it from deploy/agent as it is now.
      const { buildStaticManifest } = await import('../hub/src/install/index.ts');
      await buildStaticManifest({});
      harness = Harness.open(join(scratch, 'harness'));
      const started = Date.now();
      await Promise.all([harness.addCluster('c1'), harness.addCluster('c2')]);
      await harness.startGit({
        users: [{ username: 'ferry', password: randomBytes(12).toString('hex') }],
        tokens: [randomBytes(20).toString('hex')],
      });
      process.stdout.write(
        `harness: 2 clusters and the Git server up in ${((Date.now() - started) / 1000).toFixed(1)} s (${harness.dir})\n`,
      );
      env.FERRY_HARNESS_DIR = harness.dir;
    }
    process.stdout.write(
      `running ${files.length} test files: ${files.map((f) => relative('.', f)).join(' ')}\n`,
    );
    let code = await runNodeTests(files, env, tapFile);
    if (harness !== undefined) {
      await stop();
      const left = harness.leftovers();
      if (left.length > 0) {
        process.stderr.write(`teardown: processes left behind:\n  ${left.join('\n  ')}\n`);
        code = code === 0 ? 1 : code;
      } else {
        process.stdout.write('teardown: every harness process stopped, none left behind\n');
      }
    }
    const summary = summaryLine(tapFile);
    if (summary !== undefined) process.stdout.write(`\n${summary}\n`);
    return code;
  } finally {
    await stop();
    if (process.env.FERRY_KEEP_TEST_DIR !== '1') rmSync(scratch, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `test run failed before the tests: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
