// Part of `npm run build`: writes the CloudFormation spec index next to the compiled validator (dist/validate/spec/),
// so a fresh checkout's first `drctl validate` reads it instead of building it. Stale index files are removed.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeBuiltIndex } from '../dist/validate/spec/spec-index.js';

const file = writeBuiltIndex();
const dir = path.dirname(file);
for (const f of readdirSync(dir))
  if (f.startsWith('cfn-spec-index-') && path.join(dir, f) !== file) rmSync(path.join(dir, f));
