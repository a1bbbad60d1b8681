// A small XML-RPC codec (the spec at xmlrpc.com, with the common <nil/> extension): method calls,
// responses and faults, with int/i4, boolean, string, double, nil, base64, array and struct
// values. Small on purpose: the one npm package for it (`xmlrpc`) has not been released since
// 2017 and brings two XML libraries; this subset is what Python's xmlrpc.client sends and reads,
// and test/interop holds the two to each other in both directions.

export type XmlRpcValue = number | boolean | string | null | Uint8Array | XmlRpcValue[] | { [key: string]: XmlRpcValue }

export interface MethodCall {
  method: string
  params: XmlRpcValue[]
}

export type MethodResponse = { ok: true; value: XmlRpcValue } | { ok: false; code: number; message: string }

// ---- writing ------------------------------------------------------------------------------------

export function encodeCall(method: string, params: XmlRpcValue[]): string {
  return `<?xml version="1.0"?>\n<methodCall><methodName>${escape(method)}</methodName><params>${params.map((p) => `<param>${value(p)}</param>`).join('')}</params></methodCall>\n`
}

export function encodeResponse(result: XmlRpcValue): string {
  return `<?xml version="1.0"?>\n<methodResponse><params><param>${value(result)}</param></params></methodResponse>\n`
}

/** A fault's message may quote what a caller sent: characters XML cannot carry become `?`. */
export function encodeFault(code: number, text: string): string {
  const message = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '?')
  return `<?xml version="1.0"?>\n<methodResponse><fault>${value({ faultCode: code, faultString: message })}</fault></methodResponse>\n`
}

function value(v: XmlRpcValue): string {
  if (v === null || v === undefined) return '<value><nil/></value>'
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`XML-RPC has no ${v}`)
    return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? `<value><int>${v}</int></value>` : `<value><double>${v}</double></value>`
  }
  if (typeof v === 'string') return `<value><string>${escape(v)}</string></value>`
  if (v instanceof Uint8Array) return `<value><base64>${Buffer.from(v).toString('base64')}</base64></value>`
  if (Array.isArray(v)) return `<value><array><data>${v.map(value).join('')}</data></array></value>`
  return `<value><struct>${Object.entries(v)
    .filter(([, member]) => member !== undefined)
    .map(([name, member]) => `<member><name>${escape(name)}</name>${value(member)}</member>`)
    .join('')}</struct></value>`
}

/** Text as XML character data; characters XML 1.0 cannot carry are a TypeError (send them as base64). */
function escape(text: string): string {
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(text)) throw new TypeError('a string with a control character XML cannot carry (send bytes as a Uint8Array: base64)')
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
}

// ---- reading ------------------------------------------------------------------------------------

/** An XML element: its name, its children, and its text (entities resolved). */
interface Element {
  name: string
  children: Element[]
  text: string
}

/** Parses a methodCall; throws an Error that says what is wrong. */
export function decodeCall(xml: string): MethodCall {
  const root = parse(xml)
  if (root.name !== 'methodCall') throw new Error(`expected <methodCall>, got <${root.name}>`)
  const method = child(root, 'methodName').text.trim()
  if (!method) throw new Error('the methodName is empty')
  const params = root.children.find((c) => c.name === 'params')
  return { method, params: (params?.children ?? []).filter((p) => p.name === 'param').map((p) => readValue(child(p, 'value'))) }
}

/** Parses a methodResponse (a result or a fault); throws an Error that says what is wrong. */
export function decodeResponse(xml: string): MethodResponse {
  const root = parse(xml)
  if (root.name !== 'methodResponse') throw new Error(`expected <methodResponse>, got <${root.name}>`)
  const fault = root.children.find((c) => c.name === 'fault')
  if (fault) {
    const detail = readValue(child(fault, 'value')) as { faultCode?: unknown; faultString?: unknown }
    return { ok: false, code: Number(detail?.faultCode ?? 0), message: String(detail?.faultString ?? '') }
  }
  const param = child(child(root, 'params'), 'param')
  return { ok: true, value: readValue(child(param, 'value')) }
}

function readValue(element: Element): XmlRpcValue {
  const typed = element.children[0]
  if (!typed) return element.text // <value>text</value> is a string
  const text = typed.text
  switch (typed.name) {
    case 'int':
    case 'i4':
    case 'i8': {
      const n = Number(text.trim())
      if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw new Error(`<${typed.name}> holds ${JSON.stringify(text)}, not an integer this side can hold exactly`)
      return n
    }
    case 'boolean':
      if (text.trim() !== '0' && text.trim() !== '1') throw new Error(`<boolean> holds ${JSON.stringify(text)}, not 0 or 1`)
      return text.trim() === '1'
    case 'double':
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) throw new Error(`<double> holds ${JSON.stringify(text)}, not a number`)
      return Number(text.trim())
    case 'string':
      return text
    case 'nil':
      return null
    case 'base64':
      return new Uint8Array(Buffer.from(text.trim(), 'base64'))
    case 'dateTime.iso8601':
      return text.trim()
    case 'array':
      return child(typed, 'data').children.filter((c) => c.name === 'value').map(readValue)
    case 'struct': {
      const out: { [key: string]: XmlRpcValue } = {}
      for (const member of typed.children.filter((c) => c.name === 'member')) out[child(member, 'name').text] = readValue(child(member, 'value'))
      return out
    }
    default:
      throw new Error(`unknown value type <${typed.name}>`)
  }
}

function child(element: Element, name: string): Element {
  const found = element.children.find((c) => c.name === name)
  if (!found) throw new Error(`<${element.name}> has no <${name}>`)
  return found
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** The document's root element. Enough XML for XML-RPC: elements, text, entities; no DTDs or namespaces. */
function parse(xml: string): Element {
  const stack: Element[] = [{ name: '#document', children: [], text: '' }]
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->|([^<]+)/g
  let match: RegExpExecArray | null
  let consumed = 0
  while ((match = tag.exec(xml))) {
    if (match.index !== consumed) throw new Error(`unexpected ${JSON.stringify(xml.slice(consumed, consumed + 20))}`)
    consumed = tag.lastIndex
    const [whole, closing, name, selfClosing, text] = match
    const top = stack[stack.length - 1] as Element
    if (text !== undefined) {
      top.text += text.replace(/&(#x?[0-9a-fA-F]+|\w+);/g, (all, entity: string) => {
        if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16))
        if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)))
        return ENTITIES[entity] ?? all
      })
      continue
    }
    if (!name || whole.startsWith('<?') || whole.startsWith('<!--')) continue
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`)
      stack.pop()
      continue
    }
    const element: Element = { name, children: [], text: '' }
    top.children.push(element)
    if (!selfClosing) stack.push(element)
  }
  if (consumed !== xml.length || stack.length !== 1) throw new Error('the XML document is cut short')
  const root = (stack[0] as Element).children[0]
  if (!root) throw new Error('the XML document is empty')
  return root
}
