// Renders the diagram model as one inline SVG: a region × layer grid with the global layer on top, edges over it.
import type { DiagramEdge, DiagramNode } from './report-types.js';

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Top to bottom in the order a request travels (DNS → load balancer → data), then the supporting layers: the
 * failover edges from the global layer reach the ALBs in the layer right below it without crossing any other layer,
 * the canaries sit right below the ALBs they call, and the backup vaults right below the data they copy.
 */
export const DRAW_ORDER = [
  'global',
  'compute',
  'canaries',
  'waf',
  'data',
  'backup',
  'failover',
  'monitoring',
  'network',
  'foundation',
  'audit',
];

const MARGIN = 20;
const COL_W = 520;
/** Wide enough for the replication captions between the regions and the global layer's shared boxes. */
const MID = 150;
const W = MARGIN * 2 + COL_W * 2 + MID;
const BOX_W = 240;
const GLOBAL_BOX_W = 160;
const MID_BOX_W = MID - 20;
const BOX_H = 34;
const ROW_GAP = 8;
const TITLE_H = 30;
const COLORS: Record<DiagramEdge['kind'], string> = {
  replication: '#1f6feb',
  failover: '#d9730d',
  'backup-copy': '#8250df',
  probe: '#1a7f37',
};
/** Edges drawn straight across between the two regions (a source and its copy sit on the same row). */
const ACROSS = new Set<DiagramEdge['kind']>(['replication', 'backup-copy']);

type Box = { x: number; y: number; w: number; h: number };

/** Two lines per box: the logical id (or "n ×" count) and the resource type, each cut to the box width. */
function boxLines(n: DiagramNode, width: number): [string, string] {
  const folded = /^(\d+) × (.*)$/.exec(n.label);
  const type = n.type.replace(/^AWS::/, '');
  const first = folded ? `${folded[1]} ×` : n.label.replace(/ \([^)]*\)$/, '');
  const fit = (s: string, px: number) => {
    const max = Math.floor((width - 14) / px);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
  };
  return [
    fit(first, 6.2),
    fit(
      n.detail
        ? `${type.replace(/^.*::/, '').replace('AutoScalingGroup', 'ASG').replace('DBInstance', 'RDS')} · ${n.detail}`
        : type,
      5.4,
    ),
  ];
}

function drawBox(n: DiagramNode, b: Box): string {
  const [first, second] = boxLines(n, b.w);
  return `<g class="node" data-id="${escapeXml(n.id)}"><title>${escapeXml(`${n.label} — ${n.region}`)}</title><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="4" fill="#ffffff" stroke="#8c959f"/><text x="${b.x + 7}" y="${b.y + 14}" class="id">${escapeXml(first)}</text><text x="${b.x + 7}" y="${b.y + 27}" class="type">${escapeXml(second)}</text></g>`;
}

/** Which region a global-layer box serves, from its logical id (PrimaryHealthCheck, SecondaryFailoverRecord, …). */
function side(n: DiagramNode): 'primary' | 'secondary' | 'shared' {
  const logical = n.id.split(':').slice(2).join(':');
  if (/primary/i.test(logical)) return 'primary';
  if (/secondary/i.test(logical)) return 'secondary';
  return 'shared';
}

const CAPTIONS: [RegExp, string][] = [
  [/read replica/i, 'RDS read replica'],
  [/global table/i, 'DynamoDB global table'],
  [/CRR with RTC/i, 'S3 CRR + RTC'],
  [/CRR/i, 'S3 CRR'],
  [/AWS Backup copy/i, 'AWS Backup copy'],
];
const caption = (label: string) => CAPTIONS.find(([re]) => re.test(label))?.[1] ?? label.slice(0, 24);

export function renderDiagramSvg(
  nodes: DiagramNode[],
  edges: DiagramEdge[],
  regions: { primary: string; secondary: string },
): string {
  const colX = { primary: MARGIN, secondary: MARGIN + COL_W + MID };
  const pos = new Map<string, Box>();
  const parts: string[] = [];
  const folded = (n: DiagramNode) => (/^\d+ × /.test(n.label) ? 1 : 0);
  // Named resources first, folded "n × Type" boxes last, so the replicated stores line up across the regions.
  const order = (list: DiagramNode[]) => [...list].sort((a, b) => folded(a) - folded(b));
  let y = 52;
  for (const layer of DRAW_ORDER) {
    const inLayer = nodes.filter((n) => n.layer === layer);
    if (inLayer.length === 0) continue;
    if (layer === 'global') {
      // Each health check and record sits above the region it serves; shared boxes (folded alarms) in the middle.
      const halves = {
        primary: order(inLayer.filter((n) => side(n) === 'primary')),
        secondary: order(inLayer.filter((n) => side(n) === 'secondary')),
      };
      const shared = order(inLayer.filter((n) => side(n) === 'shared'));
      const perRow = 3;
      const rows = Math.max(
        Math.ceil(halves.primary.length / perRow),
        Math.ceil(halves.secondary.length / perRow),
        shared.length,
        1,
      );
      const h = TITLE_H + rows * (BOX_H + ROW_GAP) + 4;
      parts.push(
        `<g class="cell" data-layer="global"><rect x="${MARGIN}" y="${y}" width="${W - 2 * MARGIN}" height="${h}" rx="8" fill="#fff7ed" stroke="#d0d7de"/><text x="${MARGIN + 10}" y="${y + 20}" class="layer">${escapeXml(`global — Route 53, deployed in ${regions.primary}`)}</text></g>`,
      );
      for (const role of ['primary', 'secondary'] as const) {
        halves[role].forEach((n, k) => {
          const b = {
            x: colX[role] + 12 + (k % perRow) * (GLOBAL_BOX_W + 8),
            y: y + TITLE_H + Math.floor(k / perRow) * (BOX_H + ROW_GAP),
            w: GLOBAL_BOX_W,
            h: BOX_H,
          };
          pos.set(n.id, b);
          parts.push(drawBox(n, b));
        });
      }
      shared.forEach((n, k) => {
        const b = { x: MARGIN + COL_W + 10, y: y + TITLE_H + k * (BOX_H + ROW_GAP), w: MID_BOX_W, h: BOX_H };
        pos.set(n.id, b);
        parts.push(drawBox(n, b));
      });
      y += h + 16;
      continue;
    }
    const left = order(inLayer.filter((n) => n.region === regions.primary));
    // A replication target sits level with its source, so the arrows between the regions stay horizontal.
    const sourceRow = (n: DiagramNode) => {
      const i = left.findIndex((l) => edges.some((e) => e.from === l.id && e.to === n.id));
      return i < 0 ? left.length : i;
    };
    const right = order(inLayer.filter((n) => n.region === regions.secondary)).sort(
      (a, b) => folded(a) - folded(b) || sourceRow(a) - sourceRow(b),
    );
    // One box per row in the data and backup layers keeps the arrows between the regions clear of other boxes.
    const perRow = layer === 'data' || layer === 'backup' ? 1 : 2;
    const rows = Math.max(Math.ceil(left.length / perRow), Math.ceil(right.length / perRow), 1);
    const h = TITLE_H + rows * (BOX_H + ROW_GAP) + 4;
    (
      [
        ['primary', left],
        ['secondary', right],
      ] as const
    ).forEach(([role, cell]) => {
      const x = colX[role];
      parts.push(
        `<g class="cell" data-layer="${escapeXml(layer)}"><rect x="${x}" y="${y}" width="${COL_W}" height="${h}" rx="8" fill="#f6f8fa" stroke="#d0d7de"/><text x="${x + 10}" y="${y + 20}" class="layer">${escapeXml(layer)}</text></g>`,
      );
      cell.forEach((n, k) => {
        const b = {
          x: x + 12 + (k % perRow) * (BOX_W + 16),
          y: y + TITLE_H + Math.floor(k / perRow) * (BOX_H + ROW_GAP),
          w: BOX_W,
          h: BOX_H,
        };
        pos.set(n.id, b);
        parts.push(drawBox(n, b));
      });
    });
    y += h + 16;
  }

  // Several failover edges end on the same ALB: spread their arrowheads along its top border.
  const arriving = new Map<string, string[]>();
  for (const e of edges) if (e.kind === 'failover') arriving.set(e.to, [...(arriving.get(e.to) ?? []), e.from]);
  const lines = edges
    .map((e) => {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      if (!a || !b) return '';
      let d: string;
      let label = '';
      if (ACROSS.has(e.kind)) {
        const [x1, y1, x2, y2] = [a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2];
        d = `M${x1},${y1} L${x2},${y2}`;
        label = `<text x="${MARGIN + COL_W + MID / 2}" y="${Math.min(y1, y2) - 4}" text-anchor="middle" class="caption">${escapeXml(caption(e.label))}</text>`;
      } else if (e.kind === 'probe') {
        // The canary sits in the layer right below the ALB it calls: up from its top to the ALB's bottom border.
        const [x1, y1, x2, y2] = [a.x + a.w / 2, a.y, b.x + b.w / 2, b.y + b.h];
        const dy = (y1 - y2) / 2;
        d = `M${x1},${y1} C${x1},${y1 - dy} ${x2},${y2 + dy} ${x2},${y2}`;
      } else {
        const from = arriving.get(e.to) ?? [];
        const slot = from.indexOf(e.from);
        const x2 = b.x + b.w / 2 + (slot - (from.length - 1) / 2) * 36;
        const [x1, y1, y2] = [a.x + a.w / 2, a.y + a.h, b.y];
        const dy = (y2 - y1) / 2;
        d = `M${x1},${y1} C${x1},${y1 + dy} ${x2},${y2 - dy} ${x2},${y2}`;
      }
      return `<g class="edge ${e.kind}"><title>${escapeXml(e.label)}</title><path d="${d}" fill="none" stroke="${COLORS[e.kind]}" stroke-width="2" ${ACROSS.has(e.kind) ? 'stroke-dasharray="6 4" ' : ''}marker-end="url(#arrow-${e.kind})"/>${label}</g>`;
    })
    .join('');
  const height = y + 48;
  const headers = (['primary', 'secondary'] as const)
    .map(
      (role) =>
        `<text x="${colX[role] + COL_W / 2}" y="34" text-anchor="middle" class="region" data-region="${escapeXml(regions[role])}">${escapeXml(`${regions[role]} — ${role}`)}</text>`,
    )
    .join('');
  const legend = `<g class="legend" transform="translate(${MARGIN},${height - 34})"><line x1="0" y1="0" x2="30" y2="0" stroke="${COLORS.replication}" stroke-width="2" stroke-dasharray="6 4"/><text x="36" y="4">replication</text><line x1="140" y1="0" x2="170" y2="0" stroke="${COLORS.failover}" stroke-width="2"/><text x="176" y="4">Route 53 health check / failover or weighted record → the region’s ALB</text><line x1="0" y1="18" x2="30" y2="18" stroke="${COLORS['backup-copy']}" stroke-width="2" stroke-dasharray="6 4"/><text x="36" y="22">AWS Backup copy into the other region’s vault</text><line x1="330" y1="18" x2="360" y2="18" stroke="${COLORS.probe}" stroke-width="2"/><text x="366" y="22">order canary → the region’s ALB</text></g>`;
  const markers = (Object.keys(COLORS) as DiagramEdge['kind'][])
    .map(
      (k) =>
        `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS[k]}"/></marker>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" id="architecture" role="img" aria-label="Architecture by region and layer" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" font-family="system-ui, sans-serif" font-size="11"><style>.layer{font-weight:600;font-size:12px;fill:#57606a}.region{font-weight:700;font-size:15px;fill:#24292f}.node .id{fill:#24292f;font-size:11px}.node .type{fill:#57606a;font-size:9.5px}.caption{fill:#1f6feb;font-size:10px}.legend text{fill:#24292f}</style><defs>${markers}</defs>${headers}${parts.join('')}${lines}${legend}</svg>`;
}
