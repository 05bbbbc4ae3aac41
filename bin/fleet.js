#!/usr/bin/env node
// Runs the TypeScript CLI in this same process (no child), so signals reach the daemon directly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
