// One self-contained HTML page of a run (`distlab trace FILE --html OUT`): the model as JSON,
// the viewer's style and script inline. The same trace always gives the same bytes.
import type { MetaRecord, TraceRecord } from '../../../runtime/index.ts'
import { pageModel } from './model.ts'
import { VIEWER_CSS, VIEWER_JS } from './viewer.ts'

export function tracePage(meta: MetaRecord | null, records: readonly TraceRecord[]): string {
  const model = pageModel(meta, records)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(model.title)} · distlab trace</title>
<meta name="viewport" content="width=device-width">
<style>${VIEWER_CSS}</style></head>
<body>
<div id="side">
<h1 id="title"></h1><div id="meta" class="muted"></div><div id="sampled" class="fail"></div>
<h2>Checks</h2><div id="checks"></div>
<h2>Message</h2><div id="body" class="muted">click an arrow for its message</div>
<h2>Time window (ms)</h2><input id="from" type="number"> to <input id="to" type="number"> <span id="count" class="muted"></span>
<h2>Nodes</h2><div id="nodes"></div>
<h2>Message types</h2><div id="types"></div>
</div>
<div id="main"><svg id="diagram" xmlns="http://www.w3.org/2000/svg"></svg></div>
<script id="model" type="application/json">${scriptSafe(JSON.stringify(model))}</script>
<script>${VIEWER_JS}</script>
</body></html>
`
}

/** JSON inside a script element: nothing in it can close the element or open a comment. */
function scriptSafe(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string)
}
