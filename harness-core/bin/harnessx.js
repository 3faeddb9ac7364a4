#!/usr/bin/env node
// The harnessx command. The package ships TypeScript sources; tsx's loader runs them directly so
// that a fresh clone needs no build step before `npm start`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
