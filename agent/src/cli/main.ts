#!/usr/bin/env node
// `atagent`: the command-line entry point. Everything else is in program.ts and the command
// modules it registers, so tests can build the program without running it.
import { buildProgram } from './program.js';

await (await buildProgram(process.argv)).parseAsync(process.argv);
