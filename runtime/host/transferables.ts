/**
 * The ArrayBuffers a message carries in its own fields (one level deep: `{ type, data: Uint8Array }`),
 * each once. Only messages sent with `{ transfer: true }` are scanned, so the hot path never walks
 * ordinary messages.
 */
export function transferablesOf(message: object): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>()
  for (const value of Object.values(message)) {
    if (value instanceof ArrayBuffer) found.add(value)
    else if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) found.add(value.buffer)
  }
  return [...found]
}
