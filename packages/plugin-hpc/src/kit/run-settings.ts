/**
 * What every VM kind's provisioner builds from its ClusterContext: the manager's collaborators over
 * virsh (with the kind's deployer and health checker resolved through core), the run settings from
 * the command's flags, and the stop timeout.
 */
import type {ClusterContext} from '@ai-how/core'
import {VirshHypervisor} from '../hypervisor/virsh-hypervisor.js'
import {LibvirtRenderer} from '../render/renderer.js'
import type {DomainTemplateSet} from '../render/renderer.js'
import {booleanOption, numberOption} from '../vm/spec-from-config.js'
import type {ClusterManagerDeps, KindExtensions, RunSettings} from '../vm/types.js'

/** Seconds a VM gets to shut down after the shutdown request before it is powered off (stop). */
export const DEFAULT_STOP_TIMEOUT_S = 120

export type DepsFactory = (ctx: ClusterContext) => ClusterManagerDeps

/** The deps of a kind whose domains render from `templates` (default: the generic domain template). */
export function virshDepsWith(templates?: DomainTemplateSet): DepsFactory {
  return (ctx) => ({
    hypervisor: new VirshHypervisor(ctx.cluster.libvirtUri === undefined ? {} : {uri: ctx.cluster.libvirtUri}),
    renderer: new LibvirtRenderer(undefined, templates),
    contributions: ctx.contributions,
    log: ctx.log,
  })
}

export const virshDeps: DepsFactory = virshDepsWith()

/** The kind's deployer and health checker as core resolves them for this context (none when the context cannot resolve). */
export async function kindExtensions(ctx: ClusterContext): Promise<KindExtensions> {
  if (ctx.resolve === undefined) return {ctx}
  const [deployer, healthChecker] = await Promise.all([ctx.resolve('deployer'), ctx.resolve('healthChecker')])
  return {ctx, deployer, healthChecker}
}

export function runSettings(ctx: ClusterContext): RunSettings {
  return {json: booleanOption(ctx.options, 'json'), keepOnFailure: booleanOption(ctx.options, 'keep-on-failure'), signal: ctx.signal}
}

export function stopTimeoutMs(ctx: ClusterContext): number {
  return Math.max(0, numberOption(ctx.options, 'timeout') ?? DEFAULT_STOP_TIMEOUT_S) * 1000
}

/** `--force`, or a command that already asked (`confirmed`). */
export function destroyConfirmed(ctx: ClusterContext): boolean {
  return booleanOption(ctx.options, 'force') || booleanOption(ctx.options, 'confirmed')
}
