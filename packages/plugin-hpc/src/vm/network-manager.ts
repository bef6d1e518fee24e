/**
 * Ensures a cluster's libvirt network: creates it (NAT, bridge, DHCP reservations for every node)
 * when absent; keeps ai-how's own network of this cluster, adding and removing the reservations that
 * changed; refuses a network of that name or bridge that is not this cluster's. The result says
 * whether the network was created, kept or updated, and carries the undo of exactly what this call did.
 */
import {HypervisorError} from '@ai-how/core'
import type {ClusterDescription, Logger, Undo} from '@ai-how/core'
import {sameOwner} from '../hypervisor/ownership.js'
import type {DhcpHost, Hypervisor, NetworkSummary, Owner} from '../hypervisor/types.js'
import {buildNetworkView} from '../render/network-view.js'
import type {NetworkViewOptions} from '../render/network-view.js'
import type {LibvirtRenderer} from '../render/renderer.js'
import {diffHosts, readNetworkXml} from './network-xml.js'
import {ignoring, transaction} from './transaction.js'

export type EnsureOutcome = 'created' | 'kept' | 'updated'

export interface EnsureResult {
  outcome: EnsureOutcome
  /** What was changed, for the progress line (e.g. 'added DHCP host x'). */
  changes: string[]
  undos: Undo[]
}

function ownerOf(cluster: ClusterDescription): Owner {
  return {cluster: cluster.name, kind: cluster.kind}
}

export function foreignNetworkError(name: string, why: string): HypervisorError {
  return new HypervisorError(`the libvirt network ${name} ${why}`, {
    code: 'NETWORK_FOREIGN',
    actions: [
      `ai-how never changes or removes objects it did not create. Remove or rename it yourself (virsh net-destroy ${name}; virsh net-undefine ${name}) if it is not needed,`,
      'or give this cluster another name, or another bridge in network.bridge.',
    ],
  })
}

export class NetworkManager {
  constructor(
    private readonly hv: Hypervisor,
    private readonly renderer: LibvirtRenderer,
    private readonly log: Logger,
  ) {}

  async ensure(cluster: ClusterDescription, options: NetworkViewOptions): Promise<EnsureResult> {
    const view = buildNetworkView(cluster, options)
    const all = await this.hv.listNetworks()
    const existing = all.find((n) => n.name === view.name)
    const bridgeUser = all.find((n) => n.name !== view.name && n.bridge === view.bridge)
    if (bridgeUser) throw foreignNetworkError(bridgeUser.name, `already uses the bridge ${view.bridge} that ${cluster.name} wants`)
    if (!existing) return this.create(view.name, this.renderer.network(view))
    if (!sameOwner(existing.owner, ownerOf(cluster))) {
      const who = existing.owner ? `belongs to the ${existing.owner.kind} cluster ${existing.owner.cluster}` : 'exists and was not created by ai-how'
      throw foreignNetworkError(existing.name, who)
    }
    return this.update(existing, view.bridge, view.gateway, view.netmask, view.hosts)
  }

  private async create(name: string, xml: string): Promise<EnsureResult> {
    const {undos} = await transaction(this.log, async (track) => {
      await this.hv.defineNetwork(xml)
      track({title: `network ${name}`, run: () => this.remove(name)})
      await this.hv.startNetwork(name)
      await this.hv.setNetworkAutostart(name, true)
    })
    return {outcome: 'created', changes: [`created network ${name}`], undos}
  }

  private async update(existing: NetworkSummary, bridge: string, gateway: string, netmask: string, desired: DhcpHost[]): Promise<EnsureResult> {
    const name = existing.name
    const live = readNetworkXml(await this.hv.networkXml(name))
    if (live.bridge !== bridge || live.gateway !== gateway || live.netmask !== netmask) {
      throw new HypervisorError(
        `the network ${name} was created with bridge ${live.bridge ?? '?'} and ${live.gateway ?? '?'}/${live.netmask ?? '?'}, but the config now asks for ${bridge} and ${gateway}/${netmask}`,
        {code: 'NETWORK_CHANGED', actions: ['Destroy the cluster and start it again to apply the new network settings, or put the old ones back in the config.']},
      )
    }
    const diff = diffHosts(live.hosts, desired)
    const {value: changes, undos} = await transaction(this.log, async (track) => {
      const done: string[] = []
      if (!existing.active) {
        await this.hv.startNetwork(name)
        track({title: `start of network ${name}`, run: () => this.hv.destroyNetwork(name)})
        done.push(`started network ${name}`)
      }
      for (const host of diff.remove) {
        await this.hv.removeDhcpHost(name, host)
        track({title: `removal of DHCP host ${host.name} (${host.ip}) from ${name}`, run: () => this.hv.addDhcpHost(name, host)})
        done.push(`removed DHCP host ${host.name} ${host.mac} ${host.ip}`)
      }
      for (const host of diff.add) {
        await this.hv.addDhcpHost(name, host)
        track({title: `DHCP host ${host.name} (${host.ip}) in ${name}`, run: () => this.hv.removeDhcpHost(name, host)})
        done.push(`added DHCP host ${host.name} ${host.mac} ${host.ip}`)
      }
      return done
    })
    return {outcome: changes.length === 0 ? 'kept' : 'updated', changes, undos}
  }

  /** Stops (if it runs) and undefines a network; a network that is already gone is fine. */
  async remove(name: string): Promise<void> {
    await ignoring(['HYPERVISOR_NOT_ACTIVE', 'HYPERVISOR_NETWORK_NOT_FOUND'], () => this.hv.destroyNetwork(name))
    await ignoring(['HYPERVISOR_NETWORK_NOT_FOUND'], () => this.hv.undefineNetwork(name))
  }
}
