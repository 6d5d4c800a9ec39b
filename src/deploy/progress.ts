// The human renderer for long operations: on a terminal, one live status line per stack (redrawn in place)
// under the scrolling log; elsewhere (CI logs, pipes) every status change and stack event as its own line.
import type { Message } from '../io/messages.js';

interface Line {
  node: string;
  text: string;
}

const FINAL = /(_COMPLETE|_FAILED|NOT_DEPLOYED)$/;

/** A `progress` hook for StreamReporter; returns true when it printed the message itself. */
export function statusBoard(err: NodeJS.WriteStream, out: NodeJS.WritableStream = process.stdout): (msg: Message) => boolean {
  if (!err.isTTY) return () => false;
  const lines = new Map<string, Line>();
  let drawn = 0;
  const erase = () => {
    if (drawn) err.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = () => {
    const width = err.columns || 120;
    const rows = [...lines.values()].map((l) => l.text.slice(0, width - 1));
    for (const r of rows) err.write(`${r}\n`);
    drawn = rows.length;
  };
  return (msg) => {
    const data = (msg.data ?? {}) as { node?: string; status?: string; stackName?: string; region?: string; logicalId?: string; type?: string; reason?: string };
    if ((msg.code === 'DEPLOY_STACK_STATUS' || msg.code === 'DEPLOY_STACK_EVENT') && data.node) {
      const prev = lines.get(data.node);
      const head = `${data.node.padEnd(22)} ${(data.stackName ?? '').padEnd(26)} ${(data.region ?? '').padEnd(10)}`;
      const text =
        msg.code === 'DEPLOY_STACK_STATUS'
          ? `${head} ${data.status}${data.reason && FINAL.test(data.status ?? '') ? `  ${data.reason}` : ''}`
          : `${prev ? prev.text.split('  | ')[0] : head}  | ${data.logicalId} ${data.status}`;
      lines.set(data.node, { node: data.node, text });
      erase();
      if (msg.code === 'DEPLOY_STACK_STATUS' && FINAL.test(data.status ?? '')) err.write(`${text}\n`);
      draw();
      return true;
    }
    erase();
    if (msg.level === 'result') out.write(`${msg.text}\n`);
    else err.write(`${msg.level === 'error' ? 'error: ' : msg.level === 'warn' ? 'warning: ' : ''}${msg.text}\n`);
    if (msg.code === 'DEPLOY_RESULT' || msg.code === 'DESTROY_RESULT') lines.clear();
    draw();
    return true;
  };
}
