// The report as one self-contained HTML file: inline CSS and SVG, no scripts, no external URLs except reference links.
import { renderDiagramSvg, escapeXml as esc } from './diagram-svg.js';
import type { LogicalCorruptionPath, Report, RtoPath, TermSource } from './report-types.js';
import { verdicts } from './verdicts.js';

const usd = (n: number) => `$${n.toFixed(2)}`;
const link = (url: string) => `<a href="${esc(url)}">${esc(url)}</a>`;
const verdict = (ok: boolean) => `<span class="${ok ? 'ok' : 'miss'}">${ok ? 'meets' : 'misses'}</span>`;

function source(s: TermSource): string {
  switch (s.kind) {
    case 'parameter':
      return `parameter ${s.parameters.map((p) => `<code>${esc(p.name)}</code>=${esc(p.value)}`).join(', ')} (${esc(s.template)}, ${esc(s.role)})${s.formula ? `<br><small>${esc(s.formula)}</small>` : ''}`;
    case 'template':
      return `template <code>${esc(s.path)}</code> = ${esc(s.value)} (${esc(s.template)}, ${esc(s.role)})`;
    case 'documented':
      return `documented: “${esc(s.says)}” — ${link(s.reference)}`;
    case 'assumption':
      return `assumption: ${esc(s.says)}${s.documented ? `<br><small>AWS says: “${esc(s.documented)}”</small>` : ''}${s.reference ? ` — ${link(s.reference)}` : ''}`;
  }
}

function rtoPath(p: RtoPath): string {
  const rows = p.terms
    .map((t) => `<tr><td>${esc(t.name)}</td><td class="num">${t.seconds}</td><td>${source(t.source)}</td></tr>`)
    .join('');
  const fixes = p.fixes?.length
    ? `<p>Fixes:</p><ul>${p.fixes.map((f) => `<li>${esc(f.text)} <small>(${esc(f.template)}, ${esc(f.role)}${f.sufficient ? ', enough alone' : ''})</small></li>`).join('')}</ul>`
    : '';
  return `<section class="path" id="rto-${esc(p.name)}" data-path="${esc(p.name)}"><h3>${esc(p.name)}: ${p.worstCaseSeconds} s worst case vs ${p.targetSeconds} s target — ${verdict(p.meets)}</h3><p>${esc(p.description)}</p>
<table class="rto"><thead><tr><th>term</th><th>seconds</th><th>source</th></tr></thead><tbody>${rows}<tr class="total"><td>worst case</td><td class="num">${p.worstCaseSeconds}</td><td></td></tr></tbody></table>${fixes}${p.note ? `<p class="note">${esc(p.note)}</p>` : ''}</section>`;
}

function logicalCorruption(p: LogicalCorruptionPath): string {
  const terms = p.terms
    .map((t) => `<tr><td>${esc(t.name)}</td><td class="num">${t.seconds}</td><td>${source(t.source)}</td></tr>`)
    .join('');
  const stores = p.stores
    .map(
      (s) =>
        `<tr><td>${esc(s.name)}</td><td>${esc(s.mechanism)}</td><td class="num">${s.rpoSeconds ?? 'nothing to restore'}</td><td class="num">${s.restoreSeconds}</td><td>${s.copiedToOtherRegion ? 'yes' : 'no'}</td><td>${esc(s.basis)}</td></tr>`,
    )
    .join('');
  const b = p.backup;
  return `<section class="recovery-path" id="recovery-logical-corruption" data-recovery-path="${esc(p.name)}"><h3>${esc(p.name)}: RPO ${p.rpoSeconds ?? 'unbounded'} s, RTO ${p.rtoSeconds} s</h3><p>${esc(p.description)}</p>
<table class="rto"><thead><tr><th>term</th><th>seconds</th><th>source</th></tr></thead><tbody>${terms}<tr class="total"><td>restore estimate</td><td class="num">${p.rtoSeconds}</td><td></td></tr></tbody></table>
<table class="recovery-stores"><thead><tr><th>store</th><th>restored from</th><th>RPO (s)</th><th>restore (s)</th><th>copy in the other region</th><th>basis</th></tr></thead><tbody>${stores}</tbody></table>
${b ? `<p>Backup vaults: lock ${esc(b.vaultLockMode)}; plan runs in ${esc(b.planRegions.join(', ') || 'no region')}; restore testing ${b.restoreTesting ? 'on' : 'off'}.</p>` : ''}<p class="note">${esc(p.note)}</p></section>`;
}

export function renderHtml(r: Report): string {
  const rpo = r.rpo.stores
    .map(
      (s) =>
        `<tr><td>${esc(s.name)}</td><td>${esc(s.data)}</td><td class="num">${s.seconds ?? 'unbounded'}</td><td>${esc(s.class)}</td><td>${verdict(s.meets)}</td><td>${esc(s.basis)}<br>${s.references.map((x) => `<small>“${esc(x.says)}” — ${link(x.url)}</small>`).join('<br>')}</td></tr>`,
    )
    .join('');
  const readiness = r.readiness.items.length
    ? `<table><thead><tr><th>severity</th><th>layer</th><th>subject</th><th>${esc(r.regions.primary)}</th><th>${esc(r.regions.secondary)}</th><th>finding</th></tr></thead><tbody>${r.readiness.items
        .map(
          (i) =>
            `<tr class="${i.severity}"><td>${i.severity}</td><td>${esc(i.layer)}</td><td>${esc(i.subject)}</td><td>${esc(i.primary ?? '—')}</td><td>${esc(i.secondary ?? '—')}</td><td>${esc(i.message)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>No differences between the regions beyond the expected ones.</p>';
  const regions = [r.regions.primary, r.regions.secondary];
  const layers = Object.entries(r.cost.byLayer)
    .map(
      ([layer, v]) =>
        `<tr><td>${esc(layer)}</td>${regions.map((x) => `<td class="num">${usd(v[x] ?? 0)}</td>`).join('')}</tr>`,
    )
    .join('');
  const m = r.cost.monthlyUsd;
  const lines = r.cost.lines
    .map(
      (l) =>
        `<tr><td>${esc(l.region)}</td><td>${esc(l.layer)}</td><td>${esc(l.resource)}</td><td>${esc(l.item)}</td><td class="num">${l.quantity}</td><td>${esc(l.unit)}</td><td class="num"><a href="${esc(l.priceSource)}" title="${esc(l.priceKey)}">${l.unitUsd}</a></td><td class="num">${usd(l.monthlyUsd)}</td><td>${l.drOnly ? 'yes' : ''}</td></tr>`,
    )
    .join('');
  const assumptions = Object.entries(r.cost.assumptions)
    .map(([k, a]) => `<li><code>${esc(k)}</code> = ${a.value} ${esc(a.unit)} — ${esc(a.why)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>DR report — ${esc(r.environment)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#24292f;max-width:1260px}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}
th{background:#f6f8fa}.num{text-align:right;white-space:nowrap}.ok{color:#1a7f37;font-weight:600}.miss{color:#cf222e;font-weight:600}
tr.total td{font-weight:600}tr.warn td:first-child{color:#9a6700;font-weight:600}.note{background:#fff8c5;padding:6px}
code{background:#f6f8fa;padding:0 3px}.verdict{font-size:16px;margin:.3rem 0}.verdict a{color:inherit}small{color:#57606a}svg{max-width:100%;height:auto;border:1px solid #d0d7de}
</style></head><body>
<h1>DR report — ${esc(r.environment)}</h1>
<section id="verdicts">${verdicts(r)
    .map(
      (v) =>
        `<p class="verdict ${v.meets ? 'ok' : 'miss'}" data-objective="${v.objective}"><a href="#${v.objective}">${esc(v.text)}</a></p>`,
    )
    .join('')}</section>
<p>${esc(r.regions.primary)} primary, ${esc(r.regions.secondary)} secondary. Objectives: RTO ${r.objectives.rtoSeconds} s, RPO ${r.objectives.rpoSeconds} s. Computed offline from the templates and config; every number names its source.</p>
<h2>Architecture</h2>
${renderDiagramSvg(r.diagram.nodes, r.diagram.edges, r.regions)}
<h2 id="rto">RTO budget — ${verdict(r.rto.meets)}</h2>
<table class="rto-summary"><thead><tr><th>path</th><th>worst case (s)</th><th>target (s)</th><th>verdict</th><th>what recovers</th></tr></thead><tbody>${r.rto.paths
    .map(
      (p) =>
        `<tr><td><a href="#rto-${esc(p.name)}">${esc(p.name)}</a></td><td class="num">${p.worstCaseSeconds}</td><td class="num">${p.targetSeconds}</td><td>${verdict(p.meets)}</td><td>${esc(p.description)}</td></tr>`,
    )
    .join('')}</tbody></table>
${r.rto.paths.map(rtoPath).join('\n')}
<h2 id="rpo">RPO per data store — ${verdict(r.rpo.meets)}</h2>
<table class="rpo"><thead><tr><th>store</th><th>data</th><th>seconds</th><th>class</th><th>verdict</th><th>basis</th></tr></thead><tbody>${rpo}</tbody></table>
<h2 id="recovery">Recovery from logical corruption</h2>
${logicalCorruption(r.recovery.logicalCorruption)}
<h2 id="readiness">Readiness — ${r.readiness.ready ? '<span class="ok">ready</span>' : '<span class="miss">differences found</span>'}</h2>
${readiness}
<h2 id="cost">Cost (monthly, on-demand, ${esc(r.cost.priceTable.currency)}, prices of ${esc(r.cost.priceTable.effectiveDate)})</h2>
<table class="cost-summary"><thead><tr><th>${esc(r.regions.primary)}</th><th>${esc(r.regions.secondary)}</th><th>total</th><th>standby premium</th></tr></thead>
<tbody><tr><td class="num">${usd(m[r.regions.primary] ?? 0)}</td><td class="num">${usd(m[r.regions.secondary] ?? 0)}</td><td class="num">${usd(m.total ?? 0)}</td><td class="num">${usd(m.premiumUsd ?? 0)} = ${m.premiumPercent ?? 0} % over a single region without DR (${usd(m.singleRegion ?? 0)})</td></tr></tbody></table>
<table class="cost-layers"><thead><tr><th>layer</th>${regions.map((x) => `<th>${esc(x)}</th>`).join('')}</tr></thead><tbody>${layers}<tr class="total"><td>total</td>${regions.map((x) => `<td class="num">${usd(m[x] ?? 0)}</td>`).join('')}</tr></tbody></table>
<details><summary>${r.cost.lines.length} cost lines</summary><table><thead><tr><th>region</th><th>layer</th><th>resource</th><th>item</th><th>quantity</th><th>unit</th><th>unit USD</th><th>monthly</th><th>DR only</th></tr></thead><tbody>${lines}</tbody></table></details>
<p>Usage assumptions (${esc(r.cost.priceTable.file)}):</p><ul>${assumptions}</ul>
${r.cost.unpricedTypes.length ? `<p>Not priced: ${r.cost.unpricedTypes.map((t) => `<code>${esc(t)}</code>`).join(', ')}.</p>` : ''}
</body></html>
`;
}
