// Renders the diagram model as one inline SVG: a region × layer grid, global layer on top, edges drawn over it.
import { LAYER_ORDER } from './diagram-model.js';
import type { DiagramEdge, DiagramNode } from './report-types.js';

export const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const W = 1120;
const COL_W = 520;
const GAP = 40;
const BOX_W = 240;
const BOX_H = 24;
const ROW_PAD = 34;
const COLORS: Record<DiagramEdge['kind'], string> = { replication: '#1f6feb', failover: '#d9730d' };

type Box = { x: number; y: number; w: number; h: number };

/** Border to border, so arrows do not cross the labels: sideways between regions, downwards from the global layer. */
function edgePath(a: Box, b: Box): string {
  if (a.x + a.w <= b.x || b.x + b.w <= a.x) {
    const right = a.x + a.w <= b.x;
    const [x1, y1] = [right ? a.x + a.w : a.x, a.y + a.h / 2];
    const [x2, y2] = [right ? b.x : b.x + b.w, b.y + b.h / 2];
    const dx = (x2 - x1) / 2;
    return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
  }
  const [x1, y1, x2, y2] = [a.x + a.w / 2, a.y + a.h, b.x + b.w / 2, b.y];
  const dy = (y2 - y1) / 2;
  return `M${x1},${y1} C${x1},${y1 + dy} ${x2},${y2 - dy} ${x2},${y2}`;
}

export function renderDiagramSvg(nodes: DiagramNode[], edges: DiagramEdge[], regions: { primary: string; secondary: string }): string {
  const colX = { [regions.primary]: GAP, [regions.secondary]: GAP + COL_W + GAP };
  const pos = new Map<string, { x: number; y: number; w: number; h: number }>();
  const parts: string[] = [];
  let y = 56;
  for (const layer of LAYER_ORDER) {
    const global = layer === 'global';
    // Named resources first, folded "n × Type" boxes last, so the replicated stores line up across the regions.
    const folded = (n: DiagramNode) => (/^\d+ × /.test(n.label) ? 1 : 0);
    const order = (list: DiagramNode[]) => [...list].sort((a, b) => folded(a) - folded(b));
    const left = order(nodes.filter((n) => n.layer === layer && n.region === regions.primary));
    // A replication target sits level with its source, so the arrows between the regions do not cross.
    const sourceRow = (n: DiagramNode) => {
      const i = left.findIndex((l) => edges.some((e) => e.from === l.id && e.to === n.id));
      return i < 0 ? left.length : i;
    };
    const right = order(nodes.filter((n) => n.layer === layer && n.region === regions.secondary)).sort((a, b) => folded(a) - folded(b) || sourceRow(a) - sourceRow(b));
    const cells = global ? [order(nodes.filter((n) => n.layer === layer))] : [left, right];
    if (cells.every((c) => c.length === 0)) continue;
    // One box per row in the data layer keeps the cross-region replication arrows clear of other boxes.
    const perRow = global ? 4 : layer === 'data' ? 1 : 2;
    const rows = Math.max(...cells.map((c) => Math.ceil(c.length / perRow)), 1);
    const h = ROW_PAD + rows * (BOX_H + 8) + 6;
    cells.forEach((cell, i) => {
      const x = global ? GAP : i === 0 ? colX[regions.primary]! : colX[regions.secondary]!;
      const w = global ? COL_W * 2 + GAP : COL_W;
      const title = global ? `global (Route 53, deployed in ${regions.primary})` : layer;
      parts.push(`<g class="cell" data-layer="${escapeXml(layer)}"><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" fill="${global ? '#fff7ed' : '#f6f8fa'}" stroke="#d0d7de"/><text x="${x + 10}" y="${y + 20}" class="layer">${escapeXml(title)}</text></g>`);
      cell.forEach((n, k) => {
        const bx = x + 12 + (k % perRow) * (BOX_W + 12);
        const by = y + ROW_PAD + Math.floor(k / perRow) * (BOX_H + 8);
        pos.set(n.id, { x: bx, y: by, w: BOX_W, h: BOX_H });
        const label = n.label.length > 34 ? `${n.label.slice(0, 33)}…` : n.label;
        parts.push(`<g class="node" data-id="${escapeXml(n.id)}"><title>${escapeXml(`${n.label} — ${n.region}`)}</title><rect x="${bx}" y="${by}" width="${BOX_W}" height="${BOX_H}" rx="4" fill="#ffffff" stroke="#8c959f"/><text x="${bx + 8}" y="${by + 16}">${escapeXml(label)}</text></g>`);
      });
    });
    y += h + 16;
  }
  const lines = edges
    .map((e) => {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      if (!a || !b) return '';
      return `<g class="edge ${e.kind}"><title>${escapeXml(e.label)}</title><path d="${edgePath(a, b)}" fill="none" stroke="${COLORS[e.kind]}" stroke-width="2" ${e.kind === 'replication' ? 'stroke-dasharray="6 4" ' : ''}marker-end="url(#arrow-${e.kind})"/></g>`;
    })
    .join('');
  const height = y + 40;
  const headers = [regions.primary, regions.secondary]
    .map((r, i) => `<text x="${colX[r]! + COL_W / 2}" y="36" text-anchor="middle" class="region" data-region="${escapeXml(r)}">${escapeXml(`${r} — ${i === 0 ? 'primary' : 'secondary'}`)}</text>`)
    .join('');
  const legend = `<g class="legend" transform="translate(${GAP},${height - 22})"><line x1="0" y1="0" x2="30" y2="0" stroke="${COLORS.replication}" stroke-width="2" stroke-dasharray="6 4"/><text x="36" y="4">replication</text><line x1="140" y1="0" x2="170" y2="0" stroke="${COLORS.failover}" stroke-width="2"/><text x="176" y="4">failover routing / health check</text></g>`;
  const markers = (Object.keys(COLORS) as DiagramEdge['kind'][])
    .map((k) => `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS[k]}"/></marker>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" id="architecture" role="img" aria-label="Architecture by region and layer" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" font-family="system-ui, sans-serif" font-size="11"><style>.layer{font-weight:600;font-size:12px;fill:#57606a}.region{font-weight:700;font-size:15px;fill:#24292f}.node text{fill:#24292f}</style><defs>${markers}</defs>${headers}${parts.join('')}${lines}${legend}</svg>`;
}
