/**
 * The page's CSS. Palette: Okabe & Ito's colour-blind-safe set (blue #0072B2 / sky #56B4E9 for
 * the baseline, orange #E69F00 for the candidate, vermillion #D55E00 for worse, bluish green
 * #009E73 for better); every colour is paired with a word, a marker shape or a dash so nothing
 * is said by colour alone. Dark mode swaps the variables (prefers-color-scheme). System fonts:
 * nothing to download or embed.
 */
export const CSS = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--panel:#f6f8fa;--base:#0072B2;--cand:#E69F00;--worse:#D55E00;--better:#009E73;--neutral:#57606a;--focus:#0072B2;
--h0:#f7fbff;--h1:#deebf7;--h2:#c6dbef;--h3:#9ecae1;--h4:#6baed6;--h5:#4292c6;--h6:#2171b5;--h7:#08519c;--h8:#08306b;
--p1:#fde0c5;--p2:#f9b47a;--p3:#e8793a;--p4:#b5410f;--n1:#d1e5f0;--n2:#92c5de;--n3:#4393c3;--n4:#2166ac;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--panel:#161b22;--base:#56B4E9;--cand:#E69F00;--worse:#ff7b45;--better:#3fb68b;--neutral:#9198a1;--focus:#56B4E9;
--h0:#0d1117;--h1:#0b2239;--h2:#0e3153;--h3:#12426e;--h4:#175489;--h5:#2068a6;--h6:#3b82c4;--h7:#6aa6dc;--h8:#a8cdf0;
--p1:#3d2412;--p2:#6b3a16;--p3:#a4531a;--p4:#e07b2c;--n1:#10263a;--n2:#173d5e;--n3:#235b8a;--n4:#3b82c4}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main,header.verdict,nav{max-width:1200px;margin:0 auto;padding:0 20px}
header.verdict{padding-top:16px;border-top:6px solid var(--neutral)}
header.verdict.fail{border-top-color:var(--worse)}header.verdict.pass{border-top-color:var(--better)}header.verdict.warn{border-top-color:var(--cand)}
h1{font-size:22px;margin:8px 0}h2{font-size:19px;margin:28px 0 8px;padding-top:8px;border-top:1px solid var(--line)}h3{font-size:15px;margin:18px 0 6px}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:4px 14px;padding:8px 0;margin:0;border-bottom:1px solid var(--line)}
a{color:var(--base)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);padding:1px 4px;border-radius:4px}
.muted{color:var(--muted)}.more{color:var(--muted);font-style:italic}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.sortable th button{all:unset;cursor:pointer;font-weight:600}table.sortable th button:focus-visible{outline:3px solid var(--focus)}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
.pill{display:inline-block;padding:0 7px;border-radius:10px;font-size:11px;font-weight:700;text-transform:uppercase;border:1px solid currentColor}
.pill.fail{color:var(--worse)}.pill.pass{color:var(--better)}.pill.warn{color:var(--cand)}.pill.new{color:var(--worse)}.pill.skipped,.pill.ungated,.pill.missing{color:var(--muted)}
.delta.worse{color:var(--worse);font-weight:700}.delta.better{color:var(--better)}
.bad{color:var(--worse)}.sig{color:var(--worse)}
.filters{margin:10px 0}.filters input,.filters select{font:inherit;padding:3px 6px;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:4px}
.scroll{overflow-x:auto}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}
.card{margin:0;width:150px;padding:6px;border:1px solid var(--line);border-radius:6px;background:var(--panel);font-size:12px;overflow-wrap:anywhere}
.card.fail,.card.missing{border-color:var(--worse)}
.img{position:relative;margin:0 auto 4px}.img img{display:block;width:100%;height:100%}.img img.pixelated{image-rendering:pixelated}
.img.missing{width:96px;height:96px;display:flex;align-items:center;justify-content:center;color:var(--muted);border:1px dashed var(--line)}
svg.boxes{position:absolute;inset:0;width:100%;height:100%}
.box{fill:none;stroke-width:2}.box.truth{stroke:var(--base);stroke-width:1;stroke-dasharray:2 2}.box.matched{stroke:var(--better)}.box.prediction{stroke:var(--cand);stroke-dasharray:4 2}.box.missed{stroke:var(--worse);stroke-width:3}
ul.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 16px}ul.legend li{display:flex;align-items:center;gap:6px}svg.swatch{width:18px;height:14px}
.id{font-family:ui-monospace,Menlo,Consolas,monospace}
details.group{margin:8px 0;border-left:3px solid var(--line);padding-left:10px}details.group>summary{cursor:pointer;font-weight:600}
.slice{font-family:ui-monospace,Menlo,Consolas,monospace}
.pair{margin:6px 0}.pair.conflict .card{border-color:var(--worse)}
svg.chart{width:100%;height:auto;font-size:11px;display:block}
svg.chart text{fill:var(--fg)}svg.chart .tick{fill:var(--muted)}svg.chart .axis{fill:var(--muted);font-size:12px}
svg.chart .grid{stroke:var(--line);stroke-width:1}svg.chart .grid.zero{stroke:var(--fg);stroke-width:1.5}
svg.chart .row .hit{fill:transparent}svg.chart .row:hover .hit,svg.chart .row:focus .hit{fill:var(--panel)}
svg.chart .ci{stroke-width:2.5;stroke:var(--neutral)}svg.chart .pt{fill:var(--neutral)}
svg.chart .worse .ci{stroke:var(--worse)}svg.chart .worse .pt{fill:var(--worse)}svg.chart .worse .label{font-weight:700}
.panels{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:8px}
svg.panel .ptitle{font-weight:600;font-size:12px}
svg.panel .line{fill:none;stroke-width:2}svg.panel .line.base{stroke:var(--base);stroke-dasharray:5 3}svg.panel .line.cand{stroke:var(--cand)}
svg.panel .mark.base{fill:var(--base)}svg.panel .mark.cand{fill:var(--cand)}
.heatmaps{display:flex;flex-wrap:wrap;gap:16px}.heatmaps figure{margin:0;flex:1 1 340px}.heatmaps figcaption{font-weight:600}
svg.heat .ctext{font-size:10px;fill:var(--fg)}svg.heat .ctext.on-dark{fill:#fff}
${[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `svg.heat .h${i}{fill:var(--h${i})}`).join('')}
${[1, 2, 3, 4].map((i) => `svg.heat .p${i}{fill:var(--p${i})}svg.heat .n${i}{fill:var(--n${i})}`).join('')}
@media (prefers-color-scheme:dark){svg.heat .ctext.on-dark{fill:#0d1117}}
.key{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin:0 3px 0 10px}
.key.worse,.key.pbad{background:var(--worse)}.key.neutral{background:var(--neutral)}.key.nbad{background:var(--n4)}.key.base{background:var(--base)}.key.cand{background:var(--cand)}
table.strip td{padding:2px;border:0}table.strip th{font-weight:500;font-size:12px}
ul.notes{padding-left:18px}
footer{max-width:1200px;margin:30px auto;padding:0 20px;color:var(--muted);font-size:12px}
`;
