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

/** The ArrayBuffer behind a buffer or a view (what a transfer list takes). */
export function bufferOf(data: ArrayBuffer | ArrayBufferView): ArrayBuffer {
  return data instanceof ArrayBuffer ? data : (data.buffer as ArrayBuffer)
}
