/**
 * The Hypervisor port over `virsh` (libvirt-clients): every call is `virsh -q -c URI ...` through
 * execa with an argument array; XML goes in on stdin (`/dev/stdin`) and comes out parsed with
 * fast-xml-parser; failures become HypervisorErrors with a code and actions.
 */
import {addDhcpHost, defineNetwork, dhcpLeases, listNetworks, removeDhcpHost, setNetworkAutostart} from './networks.js'
import {domainAddresses} from './addresses.js'
import {agentShutdownDomain, defineDomain, describeDomains, domainState, domainStates, listDomains, shutdownDomain, undefineDomain} from './domains.js'
import {guestTime, managedSaveDomain, managedSavedDomains, removeManagedSave, syncGuestTime} from './managed-save.js'
import {listOwned} from './owned.js'
import {describeCluster} from './cluster-view.js'
import {VirshRunner} from './runner.js'
import type {VirshRunnerOptions} from './runner.js'
import {createVolume, deleteVolume, importBaseImage, listPools, listVolumes, markPoolOwned, poolCommand, volumePath} from './storage.js'
import {checkName} from './validate.js'
import type {
  AddressQuery,
  ClusterQuery,
  ClusterView,
  BaseImageMethod,
  DhcpHost,
  DhcpLease,
  DomainAddress,
  DomainDetails,
  DomainState,
  DomainSummary,
  Hypervisor,
  NetworkSummary,
  OwnedObjects,
  Owner,
  PoolSummary,
  VolumeSummary,
} from './types.js'

export type VirshHypervisorOptions = VirshRunnerOptions

export class VirshHypervisor implements Hypervisor {
  private readonly runner: VirshRunner

  constructor(options: VirshHypervisorOptions = {}) {
    this.runner = new VirshRunner(options)
  }

  get uri(): string {
    return this.runner.uri
  }

  private async named(command: string, what: string, name: string, ...flags: string[]): Promise<string> {
    return this.runner.run([command, checkName(name, what), ...flags])
  }

  // Domains
  async defineDomain(xml: string): Promise<void> {
    return defineDomain(this.runner, xml)
  }

  async startDomain(name: string): Promise<void> {
    await this.named('start', 'domain', name)
  }

  async shutdownDomain(name: string): Promise<void> {
    return shutdownDomain(this.runner, name)
  }

  async agentShutdownDomain(name: string): Promise<void> {
    return agentShutdownDomain(this.runner, name)
  }

  async forceOffDomain(name: string): Promise<void> {
    await this.named('destroy', 'domain', name)
  }

  async undefineDomain(name: string): Promise<void> {
    return undefineDomain(this.runner, name)
  }

  async managedSaveDomain(name: string): Promise<void> {
    return managedSaveDomain(this.runner, name)
  }

  async removeManagedSave(name: string): Promise<void> {
    return removeManagedSave(this.runner, name)
  }

  async managedSavedDomains(names: readonly string[]): Promise<Set<string>> {
    return managedSavedDomains(this.runner, names)
  }

  async guestTime(name: string): Promise<number> {
    return guestTime(this.runner, name)
  }

  async syncGuestTime(name: string): Promise<void> {
    return syncGuestTime(this.runner, name)
  }

  async domainState(name: string): Promise<DomainState> {
    return domainState(this.runner, name)
  }

  async domainStates(names: readonly string[]): Promise<Map<string, DomainState>> {
    return domainStates(this.runner, names)
  }

  async domainXml(name: string): Promise<string> {
    return this.named('dumpxml', 'domain', name)
  }

  async domainUuid(name: string): Promise<string> {
    return (await this.named('domuuid', 'domain', name)).trim()
  }

  async describeDomains(names: readonly string[]): Promise<Map<string, DomainDetails>> {
    return describeDomains(this.runner, names)
  }

  async listDomains(): Promise<DomainSummary[]> {
    return listDomains(this.runner)
  }


  // Networks
  async defineNetwork(xml: string): Promise<void> {
    return defineNetwork(this.runner, xml)
  }

  async startNetwork(name: string): Promise<void> {
    await this.named('net-start', 'network', name)
  }

  async setNetworkAutostart(name: string, enabled: boolean): Promise<void> {
    return setNetworkAutostart(this.runner, name, enabled)
  }

  async addDhcpHost(network: string, host: DhcpHost): Promise<void> {
    return addDhcpHost(this.runner, network, host)
  }

  async removeDhcpHost(network: string, host: DhcpHost): Promise<void> {
    return removeDhcpHost(this.runner, network, host)
  }

  async destroyNetwork(name: string): Promise<void> {
    await this.named('net-destroy', 'network', name)
  }

  async undefineNetwork(name: string): Promise<void> {
    await this.named('net-undefine', 'network', name)
  }

  async networkXml(name: string): Promise<string> {
    return this.named('net-dumpxml', 'network', name)
  }

  async listNetworks(): Promise<NetworkSummary[]> {
    return listNetworks(this.runner)
  }

  async dhcpLeases(network: string): Promise<DhcpLease[]> {
    return dhcpLeases(this.runner, network)
  }


  // Pools
  async definePool(xml: string): Promise<void> {
    await this.runner.run(['pool-define', '/dev/stdin'], {input: xml})
  }

  async buildPool(name: string): Promise<void> {
    await poolCommand(this.runner, 'pool-build', name)
  }

  async startPool(name: string): Promise<void> {
    await poolCommand(this.runner, 'pool-start', name)
  }

  async setPoolAutostart(name: string, enabled: boolean): Promise<void> {
    await poolCommand(this.runner, 'pool-autostart', name, ...(enabled ? [] : ['--disable']))
  }

  async refreshPool(name: string): Promise<void> {
    await poolCommand(this.runner, 'pool-refresh', name)
  }

  async destroyPool(name: string): Promise<void> {
    await poolCommand(this.runner, 'pool-destroy', name)
  }

  async deletePoolDirectory(name: string): Promise<void> {
    await poolCommand(this.runner, 'pool-delete', name)
  }

  async undefinePool(name: string): Promise<void> {
    await poolCommand(this.runner, 'pool-undefine', name)
  }

  async poolXml(name: string): Promise<string> {
    return poolCommand(this.runner, 'pool-dumpxml', name)
  }

  async listPools(): Promise<PoolSummary[]> {
    return listPools(this.runner)
  }

  async markPoolOwned(pool: string, owner: Owner): Promise<void> {
    return markPoolOwned(this.runner, pool, owner)
  }


  // Volumes
  async createVolume(pool: string, xml: string): Promise<void> {
    return createVolume(this.runner, pool, xml)
  }

  async deleteVolume(pool: string, name: string): Promise<void> {
    return deleteVolume(this.runner, pool, name)
  }

  async listVolumes(pool: string): Promise<VolumeSummary[]> {
    return listVolumes(this.runner, pool)
  }

  async volumePath(pool: string, name: string): Promise<string> {
    return volumePath(this.runner, pool, name)
  }

  async importBaseImage(pool: string, name: string, imagePath: string, method?: BaseImageMethod): Promise<{path: string; created: boolean}> {
    return importBaseImage(this.runner, pool, name, imagePath, method)
  }


  async domainAddresses(queries: readonly AddressQuery[]): Promise<Map<string, DomainAddress>> {
    return domainAddresses(this.runner, queries)
  }

  async describeCluster(query: ClusterQuery): Promise<ClusterView> {
    return describeCluster(this.runner, query)
  }

  async listOwned(cluster: string, kind: string): Promise<OwnedObjects> {
    return listOwned(this.runner, cluster, kind)
  }

}
