// IPv4 addresses in a /24, for nodes that discover their neighbours by probing the subnet (as a
// container on a Docker network would). The runtime routes by address strings; these helpers only
// read and enumerate them.

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/** `10.0.7` for `10.0.7.23`; null when `address` is not a dotted IPv4 address. */
export function ipv4Subnet(address: string): string | null {
  const match = IPV4.exec(address)
  if (!match || match.slice(1).some((octet) => Number(octet) > 255)) return null
  return match.slice(1, 4).join('.')
}

/** Every host address of `address`'s /24 (`.1` to `.254`), without `address` itself. */
export function subnetAddresses(address: string): string[] {
  const subnet = ipv4Subnet(address)
  if (subnet === null) throw new TypeError(`subnetAddresses: '${address}' is not an IPv4 address like 10.0.7.23`)
  const all: string[] = []
  for (let host = 1; host <= 254; host++) {
    const candidate = `${subnet}.${host}`
    if (candidate !== address) all.push(candidate)
  }
  return all
}
