/**
 * The hpc Provisioner (resolved by core for `ai-how hpc start|stop|status|destroy`): builds the
 * HpcClusterManager of the context's cluster over virsh and calls it with the command's flags.
 */
import type {ClusterContext, Provisioner} from '@ai-how/core'
import {VirshHypervisor} from '../hypervisor/virsh-hypervisor.js'
import {LibvirtRenderer} from '../render/renderer.js'
import {booleanOption, numberOption} from '../vm/spec-from-config.js'
import type {ClusterManagerDeps, RunSettings} from '../vm/types.js'
import {HpcClusterManager} from './manager.js'
import {planCluster} from '../vm/plan.js'
import {hpcSection, hpcSpec} from './spec.js'

/** Seconds an ACPI shutdown may take before the VM is powered off (stop and destroy). */
export const DEFAULT_STOP_TIMEOUT_S = 120

export type DepsFactory = (ctx: ClusterContext) => ClusterManagerDeps

export const virshDeps: DepsFactory = (ctx) => ({
  hypervisor: new VirshHypervisor(ctx.cluster.libvirtUri === undefined ? {} : {uri: ctx.cluster.libvirtUri}),
  renderer: new LibvirtRenderer(),
  contributions: ctx.contributions,
  log: ctx.log,
})

export function runSettings(ctx: ClusterContext): RunSettings {
  return {json: booleanOption(ctx.options, 'json'), keepOnFailure: booleanOption(ctx.options, 'keep-on-failure'), signal: ctx.signal}
}

export function hpcManager(ctx: ClusterContext, deps: DepsFactory = virshDeps): HpcClusterManager {
  return new HpcClusterManager(hpcSpec(ctx), deps(ctx), {section: hpcSection(ctx), skipDeploy: booleanOption(ctx.options, 'skip-deploy')})
}

const stopTimeoutMs = (ctx: ClusterContext): number => Math.max(0, numberOption(ctx.options, 'timeout') ?? DEFAULT_STOP_TIMEOUT_S) * 1000

export function createHpcProvisioner(deps: DepsFactory = virshDeps): Provisioner {
  return {
    start: (ctx) => hpcManager(ctx, deps).start(runSettings(ctx)),
    stop: (ctx) => hpcManager(ctx, deps).stop(runSettings(ctx), stopTimeoutMs(ctx)),
    status: (ctx) => hpcManager(ctx, deps).status(),
    plan: (ctx) => planCluster(hpcSpec(ctx), deps(ctx), booleanOption(ctx.options, 'showXml')),
    destroy: (ctx) => hpcManager(ctx, deps).destroy(runSettings(ctx), {confirmed: booleanOption(ctx.options, 'force') || booleanOption(ctx.options, 'confirmed'), stopTimeoutMs: stopTimeoutMs(ctx)}),
  }
}

export const hpcProvisioner: Provisioner = createHpcProvisioner()
