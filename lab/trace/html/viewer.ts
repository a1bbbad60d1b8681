// The page's own style and script, inlined into every page (no CDN, no network: it opens offline).
// The script reads the model from <script id="model" type="application/json"> and draws an SVG:
// a lane per node, time to the right, state bands on each lane, an arrow per message.

export const VIEWER_CSS = `
body{margin:0;font:13px/1.4 system-ui,sans-serif;color:#222;display:flex;height:100vh}
#side{width:300px;overflow:auto;border-right:1px solid #ccc;padding:8px;box-sizing:border-box;background:#fafafa}
#main{flex:1;overflow:auto;position:relative}
h1{font-size:15px;margin:0 0 4px}h2{font-size:13px;margin:10px 0 4px}
.muted{color:#777}.fail{color:#c00;font-weight:bold}.ok{color:#080}
label{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#body{white-space:pre-wrap;font:12px monospace;background:#fff;border:1px solid #ddd;padding:4px;max-height:260px;overflow:auto}
.check{cursor:pointer}.check.failed{background:#fdd}
svg text{font:11px system-ui,sans-serif}
.msg{stroke-width:1.3;cursor:pointer}.msg:hover{stroke-width:3}.msg.selected{stroke-width:3.5;stroke:#000!important}
.lost{stroke-dasharray:4 3}
input[type=number]{width:80px}
`

export const VIEWER_JS = `
const model = JSON.parse(document.getElementById('model').textContent)
const SVGNS = 'http://www.w3.org/2000/svg'
const LANE = 56, LEFT = 150, TOP = 40
const palette = ['#1f77b4','#d62728','#2ca02c','#9467bd','#ff7f0e','#17becf','#8c564b','#e377c2','#7f7f7f','#bcbd22']
const color = new Map(model.nodes.map((n, i) => [n.name, palette[i % palette.length]]))
const typeColor = new Map()
const types = [...new Set(model.messages.map((m) => m.type))].sort()
types.forEach((t, i) => typeColor.set(t, palette[(i * 3 + 1) % palette.length]))
const hiddenNodes = new Set(), hiddenTypes = new Set()
let from = 0, to = Math.max(model.end, 1), selected = null
const $ = (id) => document.getElementById(id)
const el = (name, attrs, parent) => { const e = document.createElementNS(SVGNS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); if (parent) parent.appendChild(e); return e }
const fmt = (ms) => (ms / 1000).toFixed(3) + ' s'

function side() {
  $('title').textContent = model.title
  $('meta').textContent = (model.seed === null ? '' : 'seed ' + model.seed + ' · ') + model.mode + ' · ' + fmt(model.end) + ' · ' + model.totalMessages + ' messages'
  if (model.noStates) $('meta').textContent += ' · no state bands: this trace was written at level net (write it at level full, the default, to see them)'
  if (model.messages.length < model.totalMessages) $('sampled').textContent = 'A big trace: one message in ' + Math.ceil(model.totalMessages / model.messages.length) + ' is drawn (' + model.messages.length + ' of ' + model.totalMessages + ').'
  for (const n of model.nodes) {
    const l = document.createElement('label')
    l.innerHTML = '<input type="checkbox" checked> '
    l.appendChild(document.createTextNode(n.name + (n.role ? ' (' + n.role + ')' : '') + (n.note ? ' — ' + n.note : '')))
    l.style.color = color.get(n.name)
    l.firstChild.onchange = (e) => { e.target.checked ? hiddenNodes.delete(n.name) : hiddenNodes.add(n.name); draw() }
    l.firstChild.dataset.node = n.name
    $('nodes').appendChild(l)
  }
  for (const t of types) {
    const count = model.messages.filter((m) => m.type === t).length
    const l = document.createElement('label')
    l.innerHTML = '<input type="checkbox" checked> '
    l.appendChild(document.createTextNode(t + ' (' + count + ')'))
    l.style.color = typeColor.get(t)
    l.firstChild.onchange = (e) => { e.target.checked ? hiddenTypes.delete(t) : hiddenTypes.add(t); draw() }
    l.firstChild.dataset.type = t
    $('types').appendChild(l)
  }
  $('from').value = 0; $('to').value = Math.ceil(to)
  $('from').onchange = () => { from = Number($('from').value) || 0; draw() }
  $('to').onchange = () => { to = Number($('to').value) || model.end; draw() }
  model.checks.forEach((c, i) => {
    const d = document.createElement('div')
    d.className = 'check' + (c.ok ? '' : ' failed')
    d.dataset.index = i
    d.innerHTML = '<span class="' + (c.ok ? 'ok">✓' : 'fail">✗') + '</span> <span class="muted">' + fmt(c.t) + '</span> '
    d.appendChild(document.createTextNode(c.sentence))
    d.onclick = () => focusTime(c.t)
    $('checks').appendChild(d)
  })
  if (model.checks.length === 0) $('checks').textContent = 'none'
}

function focusTime(t) {
  const x = xOf(t)
  $('main').scrollLeft = Math.max(0, x - $('main').clientWidth / 2)
}

let width = 1200
function xOf(t) { return LEFT + ((t - from) / Math.max(1e-9, to - from)) * (width - LEFT - 20) }

function draw() {
  const svg = $('diagram')
  svg.innerHTML = ''
  const lanes = model.nodes.filter((n) => !hiddenNodes.has(n.name))
  const y = new Map(lanes.map((n, i) => [n.name, TOP + i * LANE + LANE / 2]))
  width = Math.max($('main').clientWidth - 4, 900)
  const height = TOP + lanes.length * LANE + 20
  svg.setAttribute('width', width); svg.setAttribute('height', height)
  // Time axis.
  for (let i = 0; i <= 10; i++) {
    const t = from + ((to - from) * i) / 10, x = xOf(t)
    el('line', { x1: x, x2: x, y1: TOP - 8, y2: height, stroke: '#eee' }, svg)
    el('text', { x: x + 2, y: TOP - 12, fill: '#999' }, svg).textContent = fmt(t)
  }
  for (const s of model.states) {
    if (!y.has(s.node) || s.to < from || s.from > to) continue
    const x1 = xOf(Math.max(s.from, from)), x2 = xOf(Math.min(s.to, to))
    const r = el('rect', { x: x1, y: y.get(s.node) - 9, width: Math.max(1, x2 - x1), height: 18, fill: color.get(s.node), 'fill-opacity': 0.12, stroke: color.get(s.node), 'stroke-opacity': 0.3, class: 'state' }, svg)
    el('title', {}, r).textContent = s.node + ': ' + s.state + ' from ' + fmt(s.from) + ' to ' + fmt(s.to)
    if (x2 - x1 > 40) el('text', { x: x1 + 3, y: y.get(s.node) + 4, fill: '#555', class: 'state-name' }, svg).textContent = s.state.length * 6 > x2 - x1 ? s.state.slice(0, Math.floor((x2 - x1) / 6)) + '…' : s.state
  }
  for (const n of lanes) {
    const ly = y.get(n.name)
    el('line', { x1: LEFT, x2: width - 10, y1: ly, y2: ly, stroke: color.get(n.name), 'stroke-width': 1, class: 'lane' }, svg)
    const t = el('text', { x: 6, y: ly + 4, fill: color.get(n.name), 'font-weight': 'bold' }, svg)
    t.textContent = n.name + (n.role ? ' · ' + n.role : '')
    if (n.note) el('title', {}, t).textContent = n.note
  }
  let drawn = 0
  for (const m of model.messages) {
    if (hiddenTypes.has(m.type) || !y.has(m.from) || !y.has(m.to)) continue
    const end = m.end === null ? model.end : m.end
    if (end < from || m.sent > to) continue
    const y1 = y.get(m.from), y2 = m.lost ? (y.get(m.from) + y.get(m.to)) / 2 : y.get(m.to)
    const x1 = xOf(m.sent), x2 = xOf(m.lost ? (m.sent + end) / 2 : end)
    const line = el('line', { x1, y1, x2, y2, stroke: m.lost ? '#c00' : typeColor.get(m.type), class: 'msg' + (m.lost ? ' lost' : '') + (selected === m ? ' selected' : ''), 'marker-end': m.lost ? 'url(#cross)' : 'url(#arrow)' }, svg)
    line.dataset.id = m.id
    line.dataset.type = m.type
    el('title', {}, line).textContent = m.type + ' ' + m.from + ' → ' + m.to + (m.lost ? ' (lost: ' + m.lost + ')' : '')
    line.onclick = () => show(m)
    drawn++
  }
  for (const k of model.marks) {
    if (!y.has(k.node) || k.t < from || k.t > to || k.kind === 'console') continue
    const x = xOf(k.t), ky = y.get(k.node)
    const mark = k.kind === 'crash' ? el('path', { d: 'M' + (x - 6) + ' ' + (ky - 6) + 'l12 12m0 -12l-12 12', stroke: '#000', 'stroke-width': 3, class: 'mark crash' }, svg)
      : el('circle', { cx: x, cy: ky, r: 5, fill: k.kind === 'restart' ? '#2a2' : k.kind === 'fault' ? '#e90' : '#c00', class: 'mark ' + k.kind }, svg)
    el('title', {}, mark).textContent = k.node + ' ' + fmt(k.t) + ': ' + k.text
  }
  for (const c of model.checks) {
    if (c.t < from || c.t > to) continue
    const x = xOf(c.t)
    const line = el('line', { x1: x, x2: x, y1: TOP - 6, y2: height, stroke: c.ok ? '#2a2' : '#c00', 'stroke-width': c.ok ? 1 : 3, 'stroke-opacity': c.ok ? 0.4 : 0.9, class: 'checkmark' + (c.ok ? '' : ' failed') }, svg)
    el('title', {}, line).textContent = (c.ok ? '✓ ' : '✗ ') + c.sentence
  }
  const defs = el('defs', {}, svg)
  const arrow = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' }, defs)
  el('path', { d: 'M0 0L10 5L0 10z', fill: '#555' }, arrow)
  const cross = el('marker', { id: 'cross', viewBox: '0 0 10 10', refX: 5, refY: 5, markerWidth: 8, markerHeight: 8 }, defs)
  el('path', { d: 'M1 1L9 9M9 1L1 9', stroke: '#c00', 'stroke-width': 2 }, cross)
  $('count').textContent = drawn + ' messages shown'
}

function show(m) {
  selected = m
  $('body').textContent = m.type + '  ' + m.from + ' → ' + m.to + '\\nsent ' + fmt(m.sent) + (m.end === null ? ', never arrived before the run ended' : m.lost ? ', lost (' + m.lost + ') at ' + fmt(m.end) : ', delivered ' + fmt(m.end)) + '\\n\\n' + m.body
  draw()
}

side()
draw()
const failed = model.checks.findIndex((c) => !c.ok)
if (failed >= 0) { document.querySelector('.check.failed').scrollIntoView(); focusTime(model.checks[failed].t) }
window.addEventListener('resize', draw)
document.body.dataset.ready = 'yes'
`
