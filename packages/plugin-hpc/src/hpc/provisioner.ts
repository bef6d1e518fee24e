/**
 * The hpc Provisioner (resolved by core for `ai-how hpc start|stop|status|destroy`): builds the
 * HpcClusterManager of the context's cluster over virsh, with the deployer core resolved for the
 * kind, and calls it with the command's flags.
 */
import type {ClusterContext, Provisioner} from '@ai-how/core'
import {destroyConfirmed, kindExtensions, runSettings, stopTimeoutMs, virshDeps} from '../kit/run-settings.js'
import type {DepsFactory} from '../kit/run-settings.js'
import {booleanOption, numberOption} from '../vm/spec-from-config.js'
import {planCluster} from '../vm/plan.js'
import {HpcClusterManager} from './manager.js'
import {DEFAULT_DRAIN_TIMEOUT_S} from './options.js'
import type {HpcOptions} from './options.js'
import {hpcSection, hpcSpec} from './spec.js'

export function hpcOptions(ctx: ClusterContext): HpcOptions {
  return {
    section: hpcSection(ctx),
    skipDeploy: booleanOption(ctx.options, 'skip-deploy'),
    redeploy: booleanOption(ctx.options, 'redeploy'),
    skipDrain: booleanOption(ctx.options, 'skip-drain'),
    drainTimeoutMs: Math.max(0, numberOption(ctx.options, 'drain-timeout') ?? DEFAULT_DRAIN_TIMEOUT_S) * 1000,
    removeNodes: booleanOption(ctx.options, 'remove-nodes'),
  }
}

export async function hpcManager(ctx: ClusterContext, deps: DepsFactory = virshDeps): Promise<HpcClusterManager> {
  return new HpcClusterManager(hpcSpec(ctx), {...deps(ctx), extensions: await kindExtensions(ctx)}, hpcOptions(ctx))
}

export function createHpcProvisioner(deps: DepsFactory = virshDeps): Provisioner {
  return {
    start: async (ctx) => (await hpcManager(ctx, deps)).start(runSettings(ctx)),
    stop: async (ctx) => (await hpcManager(ctx, deps)).stop(runSettings(ctx), stopTimeoutMs(ctx), {suspend: booleanOption(ctx.options, 'suspend')}),
    status: async (ctx) => (await hpcManager(ctx, deps)).status(),
    plan: (ctx) => planCluster(hpcSpec(ctx), deps(ctx), booleanOption(ctx.options, 'showXml')),
    destroy: async (ctx) => (await hpcManager(ctx, deps)).destroy(runSettings(ctx), {confirmed: destroyConfirmed(ctx)}),
  }
}

export const hpcProvisioner: Provisioner = createHpcProvisioner()
