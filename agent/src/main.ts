#!/usr/bin/env node
// ferry-agent: the agent's entry point. Git source and rendering land with issue 3, the engine with issue 4.
process.stderr.write('ferry-agent: not built yet (the agent lands with issues 3-5)\n');
process.exitCode = 2;
