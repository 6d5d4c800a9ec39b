// The human renderer for long operations: on a terminal, one live status line per stack (redrawn in place by
// log-update) under the scrolling log; elsewhere (CI logs, pipes) every status change and stack event as its own line.
import { createLogUpdate } from 'log-update';
import type { Message } from '../io/messages.js';

interface Line {
  node: string;
  text: string;
}

const FINAL = /(_COMPLETE|_FAILED|NOT_DEPLOYED)$/;

/** A `progress` hook for StreamReporter; returns true when it printed the message itself. */
export function statusBoard(
  err: NodeJS.WriteStream,
  out: NodeJS.WritableStream = process.stdout,
): (msg: Message) => boolean {
  if (!err.isTTY) return () => false;
  const lines = new Map<string, Line>();
  // The cursor stays visible: a confirmation prompt may follow the board.
  const board = createLogUpdate(err, { showCursor: true });
  const draw = () => {
    const width = err.columns || 120;
    if (lines.size) board([...lines.values()].map((l) => l.text.slice(0, width - 1)).join('\n'));
  };
  return (msg) => {
    const data = (msg.data ?? {}) as {
      node?: string;
      status?: string;
      stackName?: string;
      region?: string;
      logicalId?: string;
      type?: string;
      reason?: string;
    };
    if ((msg.code === 'DEPLOY_STACK_STATUS' || msg.code === 'DEPLOY_STACK_EVENT') && data.node) {
      const prev = lines.get(data.node);
      const head = `${data.node.padEnd(22)} ${(data.stackName ?? '').padEnd(26)} ${(data.region ?? '').padEnd(10)}`;
      const text =
        msg.code === 'DEPLOY_STACK_STATUS'
          ? `${head} ${data.status}${data.reason && FINAL.test(data.status ?? '') ? `  ${data.reason}` : ''}`
          : `${prev ? prev.text.split('  | ')[0] : head}  | ${data.logicalId} ${data.status}`;
      lines.set(data.node, { node: data.node, text });
      if (msg.code === 'DEPLOY_STACK_STATUS' && FINAL.test(data.status ?? '')) {
        // A finished stack also goes into the scrolling log, so the record survives the board.
        board.clear();
        err.write(`${text}\n`);
      }
      draw();
      return true;
    }
    board.clear();
    if (msg.level === 'result') out.write(`${msg.text}\n`);
    else err.write(`${msg.level === 'error' ? 'error: ' : msg.level === 'warn' ? 'warning: ' : ''}${msg.text}\n`);
    if (msg.code === 'DEPLOY_RESULT' || msg.code === 'DESTROY_RESULT') lines.clear();
    draw();
    return true;
  };
}
