/**
 * What ai-how needs from libvirt, as a structural port of plain data. `VirshHypervisor` implements
 * it over `virsh`; unit tests of higher layers may implement it in memory. Every name passed in is a
 * libvirt object name (validated by the implementation before it reaches a command line).
 */

/** The owner of an object ai-how created: the cluster name and the cluster kind (config key). */
export interface Owner {
  cluster: string
  kind: string
}

/** Ownership recorded in a domain's `<metadata>`: the owner plus what the domain uses and owns. */
export interface DomainOwner extends Owner {
  /** Node role, e.g. controller, compute, kubernetes-worker. */
  role: string
  /** Node key inside the state entry, e.g. compute-01 ('' when not recorded). */
  node: string
  /** Volumes the domain owns (its overlay disk, its seed ISO), as pool + volume names. */
  volumes: VolumeRef[]
}

export interface VolumeRef {
  pool: string
  volume: string
}

/** libvirt's domain states, with 'absent' for a domain that does not exist. */
export type DomainState =
  | 'running'
  | 'blocked'
  | 'paused'
  | 'shutdown'
  | 'shutoff'
  | 'crashed'
  | 'pmsuspended'
  | 'nostate'
  | 'absent'

export interface DomainSummary {
  name: string
  uuid: string
  state: DomainState
}

export interface DomainDetails extends DomainSummary {
  /** ai-how's ownership metadata, undefined for a foreign domain. */
  owner: DomainOwner | undefined
  /** MAC addresses of the domain's interfaces, lower case, in XML order. */
  macs: string[]
  xml: string
}

export interface NetworkSummary {
  name: string
  uuid: string
  active: boolean
  owner: Owner | undefined
  bridge: string | undefined
}

export interface DhcpHost {
  mac: string
  name: string
  ip: string
}

export interface DhcpLease {
  mac: string
  ip: string
  prefix: number
  hostname: string | undefined
}

export interface PoolSummary {
  name: string
  uuid: string
  active: boolean
  /** Target directory of a dir pool. */
  path: string | undefined
  /** From the pool's owner marker volume; undefined for a foreign pool and for an inactive one (volumes unreadable). */
  owner: Owner | undefined
}

export interface VolumeSummary {
  name: string
  path: string
}

export type AddressSource = 'lease' | 'agent' | 'arp'

export interface DomainAddress {
  ip: string
  prefix: number
  mac: string
  source: AddressSource
}

/** One domain whose live IPv4 address is wanted: its name, and the MAC and network to match leases on. */
export interface AddressQuery {
  domain: string
  mac: string
  network: string
}

/** How a base image gets into its pool: streamed through libvirt (works on remote URIs) or converted in place (local only). */
export type BaseImageMethod = 'upload' | 'convert'

/** Everything ai-how owns in one cluster, found by metadata alone (no state file needed). */
export interface OwnedObjects {
  domains: DomainDetails[]
  networks: NetworkSummary[]
  pools: PoolSummary[]
  /** Inactive pools that may be ai-how's: their marker volume cannot be read until the pool is started. */
  unverifiedPools: PoolSummary[]
}

/** One cluster's objects asked for by name (`describeCluster`). */
export interface ClusterQuery {
  network: string
  pool: string
  domains: readonly string[]
}

/** What exists of one cluster's objects: absent ones are undefined / left out. */
export interface ClusterView {
  network: NetworkSummary | undefined
  pool: PoolSummary | undefined
  /** Domains that exist, by the id asked for. */
  domains: Map<string, DomainDetails>
  /** Which of the existing domains hold a managed-save image. */
  managedSaved: Set<string>
}

export interface Hypervisor {
  /** The libvirt connection URI every call uses. */
  readonly uri: string

  defineDomain(xml: string): Promise<void>
  /** Boots a shut-off domain, or restores it from its managed-save image when it has one. */
  startDomain(name: string): Promise<void>
  /** ACPI shutdown request; returns at once (poll `domainState`). */
  shutdownDomain(name: string): Promise<void>
  /**
   * Shutdown through the QEMU guest agent (`virsh shutdown --mode agent`): resolves once the agent
   * took the request; throws at once when the domain has no agent channel or no agent is connected.
   */
  agentShutdownDomain(name: string): Promise<void>
  /** Immediate power-off. */
  forceOffDomain(name: string): Promise<void>
  /** Undefines the domain and its NVRAM, managed-save image and snapshot metadata. Stop it first: a running domain would stay up as a transient one. */
  undefineDomain(name: string): Promise<void>
  /** Saves the domain's memory (libvirt managed save) and stops it; the next startDomain restores it. */
  managedSaveDomain(name: string): Promise<void>
  /** Drops a domain's managed-save image (its next start boots afresh). */
  removeManagedSave(name: string): Promise<void>
  /** Which of these domains hold a managed-save image, in one process. */
  managedSavedDomains(names: readonly string[]): Promise<Set<string>>
  /** The guest's clock (seconds since the epoch) through the QEMU guest agent; throws when no agent answers. */
  guestTime(name: string): Promise<number>
  /** Sets the guest's clock from the host's through the guest agent (guest-set-time); throws when no agent answers. */
  syncGuestTime(name: string): Promise<void>
  domainState(name: string): Promise<DomainState>
  /** States of many domains in a bounded number of processes; unknown names map to 'absent'. */
  domainStates(names: readonly string[]): Promise<Map<string, DomainState>>
  domainXml(name: string): Promise<string>
  domainUuid(name: string): Promise<string>
  /** State, UUID, owner and MACs of many domains in a bounded number of processes; absent ones are left out. */
  describeDomains(names: readonly string[]): Promise<Map<string, DomainDetails>>
  listDomains(): Promise<DomainSummary[]>

  defineNetwork(xml: string): Promise<void>
  startNetwork(name: string): Promise<void>
  setNetworkAutostart(name: string, enabled: boolean): Promise<void>
  /** Adds a DHCP host reservation to the persistent config, and to the live network when it runs. */
  addDhcpHost(network: string, host: DhcpHost): Promise<void>
  /** Removes a DHCP host reservation (persistent and live); a missing entry is not an error. */
  removeDhcpHost(network: string, host: DhcpHost): Promise<void>
  destroyNetwork(name: string): Promise<void>
  undefineNetwork(name: string): Promise<void>
  networkXml(name: string): Promise<string>
  listNetworks(): Promise<NetworkSummary[]>
  dhcpLeases(network: string): Promise<DhcpLease[]>

  /** Defines a pool from XML (then build, start, autostart and markPoolOwned it). */
  definePool(xml: string): Promise<void>
  buildPool(name: string): Promise<void>
  startPool(name: string): Promise<void>
  setPoolAutostart(name: string, enabled: boolean): Promise<void>
  refreshPool(name: string): Promise<void>
  destroyPool(name: string): Promise<void>
  /** Removes the pool's (empty) directory; the pool must be inactive. */
  deletePoolDirectory(name: string): Promise<void>
  undefinePool(name: string): Promise<void>
  poolXml(name: string): Promise<string>
  listPools(): Promise<PoolSummary[]>
  /** Writes the owner marker volume into an active pool (pools have no `<metadata>` in libvirt). */
  markPoolOwned(pool: string, owner: Owner): Promise<void>

  createVolume(pool: string, xml: string): Promise<void>
  deleteVolume(pool: string, name: string): Promise<void>
  listVolumes(pool: string): Promise<VolumeSummary[]>
  volumePath(pool: string, name: string): Promise<string>
  /** Copies a base image into the pool once: a volume of that name that already exists is kept. Returns its path. */
  importBaseImage(pool: string, name: string, imagePath: string, method?: BaseImageMethod): Promise<{path: string; created: boolean}>

  /** Live IPv4 of each domain: DHCP lease of its MAC, then the guest agent, then ARP; absent when none knows. */
  domainAddresses(queries: readonly AddressQuery[]): Promise<Map<string, DomainAddress>>

  /** One cluster's network, pool and domains by name, with owners and managed saves, in one process (per 200 commands). */
  describeCluster(query: ClusterQuery): Promise<ClusterView>

  /** Every domain, network and pool that carries this owner, in a bounded number of processes. */
  listOwned(cluster: string, kind: string): Promise<OwnedObjects>
}
