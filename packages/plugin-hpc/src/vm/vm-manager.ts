/**
 * One VM's domain: rendered from the node's description and its plugin contributions, defined,
 * started between the before-start and after-start lifecycle hooks (a GPU held elsewhere refuses the
 * start before anything boots), powered off, undefined with the volumes it owns.
 */
import type {ClusterContributions, ClusterDescription, Logger, NodeDescription, Undo} from '@ai-how/core'
import type {DomainDetails, Hypervisor} from '../hypervisor/types.js'
import {buildDomainView} from '../render/domain-view.js'
import type {DomainViewOptions} from '../render/domain-view.js'
import type {LibvirtRenderer} from '../render/renderer.js'
import {isActiveState} from './power.js'
import {ignoring} from './transaction.js'

const DOMAIN_GONE = ['HYPERVISOR_DOMAIN_NOT_FOUND']

export class VmManager {
  constructor(
    private readonly hv: Hypervisor,
    private readonly renderer: LibvirtRenderer,
    private readonly contributions: ClusterContributions,
    private readonly log: Logger,
  ) {}

  /** The node's domain XML, with the devices and graphics rule other plugins contribute (and their summary, e.g. the GPU's name). */
  async render(cluster: ClusterDescription, node: NodeDescription, options: Omit<DomainViewOptions, 'contributions'>): Promise<{xml: string; summary?: string}> {
    const contributions = await this.contributions.forNode(node)
    const xml = this.renderer.domain(buildDomainView(cluster, node, {...options, contributions}))
    const summaries = contributions.flatMap((c) => (c.summary === undefined ? [] : [c.summary]))
    return summaries.length === 0 ? {xml} : {xml, summary: summaries.join('; ')}
  }

  async define(name: string, xml: string): Promise<Undo> {
    await this.hv.defineDomain(xml)
    return {title: `domain ${name}`, run: () => this.undefine(name)}
  }

  /**
   * before-start (may refuse, e.g. GPU_BUSY: then nothing boots), start, after-start. A start that
   * fails releases what before-start took. The undo powers the VM off again and runs after-stop.
   */
  async start(node: NodeDescription, uri: string): Promise<Undo> {
    await this.contributions.lifecycle('before-start', node, uri)
    try {
      await this.hv.startDomain(node.vmName)
    } catch (error) {
      await this.releaseQuietly(node, uri)
      throw error
    }
    await this.contributions.lifecycle('after-start', node, uri)
    return {
      title: `start of ${node.vmName}`,
      run: async () => {
        await this.powerOff(node.vmName)
        await this.contributions.lifecycle('after-stop', node, uri)
      },
    }
  }

  async powerOff(name: string): Promise<void> {
    if (!isActiveState(await this.hv.domainState(name))) return
    await ignoring(['HYPERVISOR_NOT_ACTIVE', ...DOMAIN_GONE], () => this.hv.forceOffDomain(name))
  }

  async undefine(name: string): Promise<void> {
    await this.powerOff(name)
    await ignoring(DOMAIN_GONE, () => this.hv.undefineDomain(name))
  }

  /** Powers off and undefines a domain ai-how owns, then deletes the volumes its metadata lists. */
  async remove(domain: DomainDetails, deleteVolume: (pool: string, volume: string) => Promise<void>): Promise<void> {
    await this.undefine(domain.name)
    for (const v of domain.owner?.volumes ?? []) await deleteVolume(v.pool, v.volume)
  }

  private async releaseQuietly(node: NodeDescription, uri: string): Promise<void> {
    try {
      await this.contributions.lifecycle('after-stop', node, uri)
    } catch (error) {
      this.log.warn(`${node.vmName}: could not release what before-start took: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}
