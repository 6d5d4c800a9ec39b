// Runs the CLI from source (no build needed) for tests that spawn drctl as a user would.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
