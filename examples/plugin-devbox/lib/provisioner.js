// The devbox Provisioner (what core resolves for `ai-how devbox start|stop|status|destroy` and
// `ai-how plan`): builds a DevboxManager for the context's cluster and calls it with the command's
// flags. `deps` makes the hypervisor replaceable: virsh in the CLI, a FakeHypervisor in tests.
import {booleanOption, destroyConfirmed, planCluster, runSettings, stopTimeoutMs, virshDeps, vmSpecFromConfig} from '@ai-how/plugin-hpc'
import {boxKey} from './describe.js'
import {DevboxManager} from './manager.js'

export const DEVBOX_STATE_KEY = 'devbox_cluster'

/**
 * The VmClusterSpec of a devbox cluster: every box gets the `vm` entry (kernel boot, virtio-fs).
 * @param {import('@ai-how/core').ClusterContext} ctx
 * @returns {import('@ai-how/plugin-hpc').VmClusterSpec}
 */
export function devboxSpec(ctx) {
  const section = /** @type {import('./describe.js').DevboxConfig} */ (ctx.section)
  const nodeConfigs = new Map(Array.from({length: section.count}, (_, i) => [boxKey(i + 1), section.vm]))
  return vmSpecFromConfig({ctx, common: section, nodeConfigs, stateKey: DEVBOX_STATE_KEY})
}

/**
 * @param {import('@ai-how/core').ClusterContext} ctx
 * @param {import('@ai-how/plugin-hpc').DepsFactory} deps
 */
export function devboxManager(ctx, deps = virshDeps) {
  return new DevboxManager(devboxSpec(ctx), deps(ctx))
}

/**
 * @param {import('@ai-how/plugin-hpc').DepsFactory} [deps]
 * @returns {import('@ai-how/core').Provisioner}
 */
export function createDevboxProvisioner(deps = virshDeps) {
  return {
    start: (ctx) => devboxManager(ctx, deps).start(runSettings(ctx)),
    stop: (ctx) => devboxManager(ctx, deps).stop(runSettings(ctx), stopTimeoutMs(ctx)),
    status: (ctx) => devboxManager(ctx, deps).status(),
    plan: (ctx) => planCluster(devboxSpec(ctx), deps(ctx), booleanOption(ctx.options, 'showXml')),
    destroy: (ctx) => devboxManager(ctx, deps).destroy(runSettings(ctx), {confirmed: destroyConfirmed(ctx)}),
  }
}
