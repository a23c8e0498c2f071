#!/usr/bin/env node
// ferry-hub: the hub's entry point. The hub itself is built in a later issue (see issues 6-8).
process.stderr.write('ferry-hub: not built yet (the hub lands with issue 6)\n');
process.exitCode = 2;
