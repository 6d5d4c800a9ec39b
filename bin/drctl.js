#!/usr/bin/env node
// The package's bin: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).

// The AWS SDK warns on Node 20 that its releases after January 2027 will need Node 22 (nine lines before any output).
// drctl supports Node 20 (README), so that one notice is turned off with the SDK's own switch; every other warning
// still shows.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `drctl report | head`: the reader left; stop quietly instead of a stack trace about a broken pipe.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });

const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
