// Regenerates docs/message-codes.md from the message-code registry (npm run message-codes); a test fails while the
// committed page is out of date.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MESSAGE_CODES_DOC, messageCodesMarkdown } from '../src/io/message-codes-doc.js';

await writeFile(path.join(process.cwd(), MESSAGE_CODES_DOC), messageCodesMarkdown());
console.log(`wrote ${MESSAGE_CODES_DOC}`);
