/**
 * Checks applied to every value before it reaches a virsh command line or an XML fragment that
 * ai-how writes (names use the naming module's strict pattern).
 */
import {HypervisorError} from '@ai-how/core'
import {assertSafeObjectName} from '../naming/index.js'

function invalid(what: string, value: string): HypervisorError {
  return new HypervisorError(`invalid ${what} ${JSON.stringify(value)}`, {
    code: 'HYPERVISOR_INVALID_ARGUMENT',
    actions: ['This is a bug in ai-how or a plugin: the value should have been validated with the config. Report it.'],
  })
}

/** A libvirt object name (domain, network, pool, volume). */
export function checkName(name: string, what: string): string {
  return assertSafeObjectName(name, what)
}

export function checkUuid(uuid: string): string {
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(uuid)) throw invalid('UUID', uuid)
  return uuid
}

export function checkMac(mac: string): string {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac)) throw invalid('MAC address', mac)
  return mac.toLowerCase()
}

export function checkIpv4(ip: string): string {
  const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
  if (!new RegExp(`^${octet}(\\.${octet}){3}$`).test(ip)) throw invalid('IPv4 address', ip)
  return ip
}

/** An absolute local path without control characters (image files, pool folders). */
export function checkPath(path: string): string {
  // eslint-disable-next-line no-control-regex
  if (!path.startsWith('/') || /[\u0000-\u001f]/.test(path)) throw invalid('path', path)
  return path
}

/** A domain named by its libvirt name or its UUID. */
export function checkDomainId(id: string): string {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id) ? id : checkName(id, 'domain')
}
