/**
 * The reference MAC rule: first 6 bytes of md5(vm name), first byte made locally administered and
 * unicast (`(b & 0xFE) | 0x02`). The same MAC goes into the domain XML and the DHCP host entry.
 */
import {createHash} from 'node:crypto'

export function macForVm(vmName: string): string {
  const bytes = createHash('md5').update(vmName, 'utf8').digest().subarray(0, 6)
  const first = bytes[0] ?? 0
  bytes[0] = (first & 0xfe) | 0x02
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':')
}
