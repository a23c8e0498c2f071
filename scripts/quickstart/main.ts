// The quick start (`bash scripts/run.sh`, which builds first and hands over to this): brings Ferry up
// on this machine (bring-up.ts), prints the hub's URL, its admin token and three things to try
// (ready-text.ts), runs until Ctrl-C or SIGTERM, then stops everything it started, by PID, and says
// what it stopped and that nothing is left. A Ctrl-C during the start stops what was started so far.
//
//   node --import tsx scripts/quickstart/main.ts [--dir DIR] [--kubeconfig FILE] [--exit-when-ready]
import { Harness } from '../../test/harness/src/index.ts';
import { bringUp } from './bring-up.ts';
import { QuickstartError } from './errors.ts';
import { assertBuilt, stateLayout } from './layout.ts';
import { parseQuickstartArgs, QUICKSTART_USAGE } from './options.ts';
import { isRunning } from './processes.ts';
import { prepareDir } from './prepare-dir.ts';
import { readyText } from './ready-text.ts';
import { Teardown } from './teardown.ts';

const say = (line: string): void => {
  process.stdout.write(`[quickstart] ${line}\n`);
};

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseQuickstartArgs(argv, process.cwd());
  if (parsed.kind === 'help') {
    process.stdout.write(`${QUICKSTART_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage') {
    process.stderr.write(`quickstart: ${parsed.problem}\n${QUICKSTART_USAGE}\n`);
    return 2;
  }
  const { options } = parsed;
  // A closed terminal or pipe must not stop the teardown half-way: what cannot be printed is dropped.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  assertBuilt();
  const layout = stateLayout(options.dir);
  const prepared = await prepareDir(layout);
  if (prepared.stoppedLeftovers.length > 0)
    say(
      `stopped what a previous quick start left running in ${layout.dir}: ${prepared.stoppedLeftovers.join(', ')}`,
    );
  const harness = Harness.open(layout.dir);
  const teardown = new Teardown(layout.record);
  process.on('exit', () => {
    teardown.killAllSync();
    harness.killAllSync();
  });

  // Ctrl-C while starting: finish the step under way, then stop what runs. A second one: kill it all now.
  const abort = new AbortController();
  let ready = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (teardown.stopping || abort.signal.aborted) {
      process.stderr.write(`\n[quickstart] ${signal} again: killing everything at once\n`);
      process.exit(130);
    }
    if (!ready) {
      process.stdout.write(`\n[quickstart] ${signal}: stopping what was started so far ...\n`);
      abort.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let code = 0;
  try {
    const facts = await bringUp({ options, layout, harness, teardown, signal: abort.signal, say });
    process.stdout.write(readyText(facts));
    if (!options.exitWhenReady) {
      ready = true;
      const signal = await untilSignal();
      process.stdout.write(`\n[quickstart] ${signal}: stopping everything this started ...\n`);
    }
  } catch (error) {
    if (abort.signal.aborted) {
      code = 130;
    } else {
      code = 1;
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`[quickstart] failed: ${message}\n`);
    }
  }
  ready = false;
  const started = teardown.processes();
  const report = await teardown.stopAll();
  for (const what of report.stopped) say(`stopped ${what}`);
  for (const failure of report.failed) say(`could not stop ${failure.what}: ${failure.error}`);
  const left = [
    ...started.filter(isRunning).map((ref) => `${ref.what} (pid ${ref.pid})`),
    ...harness.leftovers(),
  ];
  if (left.length > 0) {
    process.stderr.write(`[quickstart] still running: ${left.join('; ')}\n`);
    return code === 0 ? 1 : code;
  }
  say(`every process this started has stopped; state and logs stay in ${layout.dir}`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof QuickstartError;
    process.stderr.write(
      `[quickstart] ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = known && error.code === 'usage' ? 2 : 1;
  },
);
