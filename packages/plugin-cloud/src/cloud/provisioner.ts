/**
 * The cloud Provisioner (resolved by core for `ai-how cloud start|stop|status|destroy`): builds the
 * CloudVMManager of the context's cluster over virsh, with the cloud domain templates and the
 * deployer and health checker core resolved for the kind, and calls it with the command's flags.
 * The deploy source (Kubespray or the config's playbook) is checked before anything is touched.
 */
import type {ClusterContext, Provisioner} from '@ai-how/core'
import {booleanOption, destroyConfirmed, kindExtensions, numberOption, planCluster, runSettings, stopTimeoutMs, virshDepsWith} from '@ai-how/plugin-hpc'
import type {DepsFactory} from '@ai-how/plugin-hpc'
import {deploySource} from './deploy-source.js'
import {CloudVMManager} from './manager.js'
import {DEFAULT_DRAIN_TIMEOUT_S, DEFAULT_HEALTH_TIMEOUT_S} from './options.js'
import type {CloudOptions} from './options.js'
import {cloudSection, cloudSpec} from './spec.js'
import {cloudDomainTemplates} from './templates.js'

export const cloudVirshDeps: DepsFactory = virshDepsWith(cloudDomainTemplates)

export function cloudOptions(ctx: ClusterContext): CloudOptions {
  const seconds = (name: string, fallback: number): number => Math.max(0, numberOption(ctx.options, name) ?? fallback) * 1000
  return {
    section: cloudSection(ctx),
    skipDeploy: booleanOption(ctx.options, 'skip-deploy'),
    skipDrain: booleanOption(ctx.options, 'skip-drain'),
    drainTimeoutMs: seconds('drain-timeout', DEFAULT_DRAIN_TIMEOUT_S),
    healthTimeoutMs: seconds('health-timeout', DEFAULT_HEALTH_TIMEOUT_S),
  }
}

export async function cloudManager(ctx: ClusterContext, deps: DepsFactory = cloudVirshDeps, extra: Partial<CloudOptions> = {}): Promise<CloudVMManager> {
  return new CloudVMManager(cloudSpec(ctx), {...deps(ctx), extensions: await kindExtensions(ctx)}, {...cloudOptions(ctx), ...extra})
}

export function createCloudProvisioner(deps: DepsFactory = cloudVirshDeps): Provisioner {
  return {
    start: async (ctx) => {
      // Nothing is touched when the deploy could not run (no Kubespray, a missing playbook).
      if (!booleanOption(ctx.options, 'skip-deploy')) deploySource(cloudSection(ctx), ctx.loaded)
      return (await cloudManager(ctx, deps)).start(runSettings(ctx))
    },
    stop: async (ctx) => (await cloudManager(ctx, deps)).stop(runSettings(ctx), stopTimeoutMs(ctx), {suspend: booleanOption(ctx.options, 'suspend')}),
    status: async (ctx) => (await cloudManager(ctx, deps)).status(),
    plan: (ctx) => planCluster(cloudSpec(ctx), deps(ctx), booleanOption(ctx.options, 'showXml')),
    destroy: async (ctx) => (await cloudManager(ctx, deps)).destroy(runSettings(ctx), {confirmed: destroyConfirmed(ctx)}),
  }
}

export const cloudProvisioner: Provisioner = createCloudProvisioner()
