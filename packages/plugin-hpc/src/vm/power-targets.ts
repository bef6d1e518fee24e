/**
 * The channels through which each running node of a cluster can be asked to power off: whether its
 * domain has the guest agent's channel (from the XML already read), and its SSH target (the
 * configured IP, or for a DHCP node the live one, in one batch; the cluster key and known_hosts).
 * A key that cannot be read or an address that is not known leaves the node without SSH: ACPI
 * and, at the timeout, force still stop it.
 */
import type {DomainAddress, DomainDetails, Hypervisor} from '../hypervisor/types.js'
import {attr, child, children, parseXml} from '../hypervisor/xml.js'
import {macForVm, networkName} from '../naming/index.js'
import {clusterKeyPath, loadKeyPair} from '../ssh/keypair.js'
import type {PowerTarget} from './power.js'
import type {VmClusterSpec} from './types.js'

export const GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0'

/** Whether a domain's XML has the virtio-serial channel of the QEMU guest agent. */
export function hasAgentChannel(xml: string): boolean {
  try {
    const devices = child(parseXml(xml, 'domain'), 'devices')
    return children(devices, 'channel').some((c) => attr(child(c, 'target'), 'name') === GUEST_AGENT_CHANNEL)
  } catch {
    return false
  }
}

async function privateKey(spec: VmClusterSpec): Promise<string | undefined> {
  try {
    return (await loadKeyPair(spec.ssh.privateKeyPath ?? clusterKeyPath(spec.outputDir, spec.cluster.name))).privateKey
  } catch {
    return undefined
  }
}

export async function powerTargets(hv: Hypervisor, spec: VmClusterSpec, active: readonly DomainDetails[]): Promise<PowerTarget[]> {
  const nodes = new Map(spec.cluster.nodes.map((n) => [n.vmName, n]))
  const dhcp = active.filter((d) => nodes.get(d.name)?.ip === undefined)
  const network = networkName(spec.cluster.name)
  const live = dhcp.length === 0 ? new Map<string, DomainAddress>() : await hv.domainAddresses(dhcp.map((d) => ({domain: d.name, mac: macForVm(d.name), network}))).catch(() => new Map<string, DomainAddress>())
  const key = active.length === 0 ? undefined : await privateKey(spec)
  return active.map((d): PowerTarget => {
    const host = nodes.get(d.name)?.ip ?? live.get(d.name)?.ip
    const target: PowerTarget = {name: d.name, agentChannel: hasAgentChannel(d.xml)}
    if (host === undefined || key === undefined) return target
    return {...target, ssh: {host, hostAlias: d.name, user: spec.ssh.user, privateKey: key, knownHostsFile: spec.ssh.knownHostsFile}}
  })
}
