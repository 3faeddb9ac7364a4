#!/usr/bin/env node
// The harnessx command. The package ships TypeScript sources; tsx's loader runs them directly so
// that a fresh clone needs no build step before `npm start`.
import { register } from 'tsx/esm/api';

// Our AWS SDK versions are pinned and support Node 20; its notice about later releases needing Node 22
// would otherwise print on every stack and upload command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
