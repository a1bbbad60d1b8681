// Identifiers in the service's recorded shapes, drawn from the injected random source so a run is
// the same given its seed and clock: operation ids are 64 hex digits, resource ids `<uid>:<64 hex>`,
// upload targets `20240707T000641.627.utd.<25 base-36>-k75j.<digits>` (yadisk tests/recorded).
export class Ids {
  constructor(private readonly random: () => number) {}

  hex(digits: number): string {
    let out = ''
    while (out.length < digits) out += Math.floor(this.random() * 0x10000).toString(16).padStart(4, '0')
    return out.slice(0, digits)
  }

  base36(length: number): string {
    let out = ''
    while (out.length < length) out += Math.floor(this.random() * 36).toString(36)
    return out
  }

  operation(): string {
    return this.hex(64)
  }

  resource(uid: string): string {
    return `${uid}:${this.hex(64)}`
  }

  /** The last part of an upload link, stamped with the injected clock's time. */
  uploadTarget(now: number): string {
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.(\d{3})Z$/, '.$1')
    return `${stamp}.utd.${this.base36(25)}-k${this.base36(3)}.${Math.floor(this.random() * 1e8)}`
  }

  blob(): string {
    return this.hex(32)
  }
}

/** `2024-07-06T19:22:31+00:00`: the service's time format (whole seconds, explicit offset). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00')
}
