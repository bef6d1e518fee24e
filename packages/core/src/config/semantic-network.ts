/** Network checks the schema cannot express: addresses inside their subnet, no duplicates, no overlaps. */
import type {ClusterDescription, NodeDescription} from '../contracts/cluster.js'
import type {ConfigIssue, SourceLocator} from '../contracts/config.js'
import type {Cidr} from './ipv4.js'
import {cidrContains, cidrsOverlap, formatCidr, formatIpv4, parseCidr, parseIpv4} from './ipv4.js'
import {issueAt} from './issue.js'

function nodeName(cluster: ClusterDescription, node: NodeDescription): string {
  return `${cluster.kind} node ${node.key}`
}

function subnetOf(cluster: ClusterDescription, locator: SourceLocator, issues: ConfigIssue[]): Cidr | undefined {
  const {subnet, subnetPath} = cluster.network
  const cidr = parseCidr(subnet)
  if (!cidr) {
    issues.push(issueAt(locator, subnetPath, {code: 'network.subnet-invalid', message: `subnet ${JSON.stringify(subnet)} is not an IPv4 network in CIDR form`, fix: 'write it like 192.168.100.0/24'}))
    return undefined
  }
  if (cidr.address !== cidr.network) {
    issues.push(issueAt(locator, subnetPath, {code: 'network.subnet-host-bits', message: `subnet ${subnet} has host bits set`, fix: `write the network address: ${formatCidr(cidr)}`}))
  }
  return cidr
}

function gatewayOf(cluster: ClusterDescription, cidr: Cidr, locator: SourceLocator, issues: ConfigIssue[]): number {
  const {gateway, path} = cluster.network
  if (gateway === undefined) return cidr.network + 1
  const address = parseIpv4(gateway)
  if (address === undefined) {
    issues.push(issueAt(locator, path, {code: 'network.gateway-invalid', message: `gateway ${JSON.stringify(gateway)} is not an IPv4 address`, fix: `write a dotted IPv4 address inside ${formatCidr(cidr)}, e.g. ${formatIpv4(cidr.network + 1)}`}))
    return cidr.network + 1
  }
  if (!cidrContains(cidr, address) || address === cidr.network || address === cidr.broadcast) {
    issues.push(issueAt(locator, path, {code: 'network.gateway-outside', message: `gateway ${gateway} is not a host address of subnet ${formatCidr(cidr)}`, fix: `use an address between ${formatIpv4(cidr.network + 1)} and ${formatIpv4(cidr.broadcast - 1)}`}))
  }
  return address
}

function checkNodeIp(cluster: ClusterDescription, node: NodeDescription, cidr: Cidr | undefined, gateway: number | undefined, locator: SourceLocator): ConfigIssue | undefined {
  if (node.ip === undefined) return undefined
  const address = parseIpv4(node.ip)
  if (address === undefined) {
    return issueAt(locator, node.ipPath, {code: 'ip.invalid', message: `${JSON.stringify(node.ip)} is not an IPv4 address`, fix: 'write a dotted IPv4 address such as 192.168.100.10 (four numbers 0-255, no leading zeros)'})
  }
  if (!cidr) return undefined
  const first = gateway === cidr.network + 1 ? cidr.network + 2 : cidr.network + 1
  const others = gateway === undefined || gateway === cidr.network + 1 ? '' : ` other than the gateway ${formatIpv4(gateway)}`
  const usable = `use a free address in ${formatIpv4(first)}-${formatIpv4(cidr.broadcast - 1)}${others}`
  const subnet = formatCidr(cidr)
  if (!cidrContains(cidr, address)) return issueAt(locator, node.ipPath, {code: 'ip.outside-subnet', message: `IP ${node.ip} of ${nodeName(cluster, node)} is outside the cluster subnet ${subnet}`, fix: usable})
  if (address === cidr.network) return issueAt(locator, node.ipPath, {code: 'ip.network-address', message: `IP ${node.ip} is the network address of ${subnet}`, fix: usable})
  if (address === cidr.broadcast) return issueAt(locator, node.ipPath, {code: 'ip.broadcast-address', message: `IP ${node.ip} is the broadcast address of ${subnet}`, fix: usable})
  if (address === gateway) return issueAt(locator, node.ipPath, {code: 'ip.gateway-address', message: `IP ${node.ip} is the gateway address of ${subnet}`, fix: usable})
  return undefined
}

/** Every network issue of these clusters, within and across them. */
export function networkIssues(clusters: readonly ClusterDescription[], locator: SourceLocator): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const usedIps = new Map<number, {cluster: ClusterDescription; node: NodeDescription}>()
  const subnets: {cluster: ClusterDescription; cidr: Cidr}[] = []
  const bridges = new Map<string, ClusterDescription>()
  for (const cluster of clusters) {
    const cidr = subnetOf(cluster, locator, issues)
    const gateway = cidr ? gatewayOf(cluster, cidr, locator, issues) : undefined
    for (const node of cluster.nodes) {
      const problem = checkNodeIp(cluster, node, cidr, gateway, locator)
      if (problem) issues.push(problem)
      const address = node.ip === undefined ? undefined : parseIpv4(node.ip)
      if (address === undefined) continue
      const first = usedIps.get(address)
      if (first) {
        const line = locator.locate(first.node.ipPath).line
        issues.push(issueAt(locator, node.ipPath, {code: 'ip.duplicate', message: `IP ${node.ip} of ${nodeName(cluster, node)} is already used by ${nodeName(first.cluster, first.node)} (line ${line})`, fix: 'give every node its own address'}))
      } else {
        usedIps.set(address, {cluster, node})
      }
    }
    if (cidr) {
      const other = subnets.find((s) => cidrsOverlap(s.cidr, cidr))
      if (other) {
        issues.push(issueAt(locator, cluster.network.subnetPath, {code: 'network.overlap', message: `subnet ${formatCidr(cidr)} of ${cluster.kind} overlaps subnet ${formatCidr(other.cidr)} of ${other.cluster.kind}`, fix: 'give each cluster its own subnet (e.g. 192.168.100.0/24 and 192.168.200.0/24)'}))
      }
      subnets.push({cluster, cidr})
    }
    const sameBridge = bridges.get(cluster.network.bridge)
    if (sameBridge) {
      issues.push(issueAt(locator, cluster.network.bridgePath, {code: 'network.duplicate-bridge', message: `bridge ${cluster.network.bridge} is also the bridge of ${sameBridge.kind}`, fix: 'give each cluster its own bridge name (e.g. virbr100 and virbr200)'}))
    } else {
      bridges.set(cluster.network.bridge, cluster)
    }
  }
  return issues
}
