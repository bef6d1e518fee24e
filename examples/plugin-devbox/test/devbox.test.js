// The devbox kind against the FakeHypervisor of @ai-how/plugin-hpc (an in-memory libvirt): its
// config section loads through core's loader, and the provisioner starts, reports, stops and
// destroys two boxes. No libvirt, no VM, no SSH: run it with `node --test test/`.
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {loadConfig} from '@ai-how/core'
import {LibvirtRenderer} from '@ai-how/plugin-hpc'
import {FakeHypervisor} from '@ai-how/plugin-hpc/testing'
import {createDevboxProvisioner} from '../lib/provisioner.js'
import {devboxClusterKind} from '../lib/registration.js'

const config = `version: "1.0"
metadata:
  name: devbox-test
  description: two boxes on a fake hypervisor
clusters:
  devbox:
    name: dev
    base_image_path: base.qcow2
    network:
      subnet: 10.60.0.0/24
      bridge: br-dev
    count: 2
    first_ip: 10.60.0.10
    vm:
      cpu_cores: 1
      memory_gb: 1
      disk_gb: 10
`

/** What the kind's commands do, over the fake: the deps factory replaces virsh, SSH and the seed ISO tool. */
function world(dir, output) {
  const hypervisor = new FakeHypervisor()
  /** @type {import('@ai-how/core').Logger} */
  const log = {info: () => undefined, warn: () => undefined, debug: () => undefined}
  /** @type {import('@ai-how/core').ClusterContributions} */
  const contributions = {forNode: async () => [], lifecycle: async () => undefined, hostChecks: async () => []}
  /** @type {import('@ai-how/plugin-hpc').DepsFactory} */
  const deps = () => ({
    hypervisor,
    renderer: new LibvirtRenderer(),
    contributions,
    log,
    seedBuilder: (view, file) => writeFile(file, JSON.stringify(view)),
    waitForSsh: async (nodes) => nodes.map((n) => ({host: n.host, attempts: 1, elapsedMs: 10})),
    sshPowerOff: async () => ({accepted: false, detail: 'no SSH in this test'}),
  })
  /** The ClusterContext that core's ClusterCommand builds from CONFIG and the flags. */
  const context = async (options) => {
    const loaded = await loadConfig(path.join(dir, 'devbox.yaml'), [devboxClusterKind])
    const section = loaded.config.clusters.devbox
    const statePath = path.join(dir, output, 'state.json')
    return {kind: 'devbox', loaded, section, cluster: devboxClusterKind.describe(section, loaded), statePath, outputDir: path.dirname(statePath), log, signal: new AbortController().signal, options, contributions}
  }
  return {hypervisor, provisioner: createDevboxProvisioner(deps), context}
}

describe('the devbox kind on the fake hypervisor', () => {
  let dir = ''
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'devbox-'))
    await writeFile(path.join(dir, 'devbox.yaml'), config)
    await writeFile(path.join(dir, 'base.qcow2'), 'not really qcow2')
  })
  after(() => rm(dir, {recursive: true, force: true}))

  it('starts two boxes at first_ip and first_ip + 1, with a login for each', async () => {
    const {hypervisor, provisioner, context} = world(dir, 'start')
    const result = /** @type {import('@ai-how/plugin-hpc').StartResult & {logins: Record<string, string>}} */ (await provisioner.start(await context({json: true})))
    // The boxes are created in parallel: in no fixed order.
    assert.deepEqual([...result.created].sort(), ['dev-box-01', 'dev-box-02'])
    assert.deepEqual([...hypervisor.domains.keys()].sort(), ['dev-box-01', 'dev-box-02'])
    assert.match(result.logins['dev-box-02'], /^ssh -i .*id_ed25519 .* debian@10\.60\.0\.11$/)
    const status = /** @type {import('@ai-how/plugin-hpc').ClusterStatus} */ (await provisioner.status(await context({})))
    assert.equal(status.status, 'running')
    assert.deepEqual(status.nodes.map((n) => [n.name, n.state, n.ip.configured]), [['dev-box-01', 'running', '10.60.0.10'], ['dev-box-02', 'running', '10.60.0.11']])
  })

  it('stops, then destroys everything it created; the state entry goes', async () => {
    const {hypervisor, provisioner, context} = world(dir, 'destroy')
    await provisioner.start(await context({json: true}))
    const stop = /** @type {import('@ai-how/plugin-hpc').StopResult} */ (await provisioner.stop(await context({json: true, timeout: 0})))
    assert.equal(stop.status, 'stopped')
    const destroyed = /** @type {import('@ai-how/plugin-hpc').DestroyResult} */ (await provisioner.destroy(await context({json: true, force: true})))
    assert.deepEqual(destroyed.domains.sort(), ['dev-box-01', 'dev-box-02'])
    assert.equal(destroyed.state_entry_removed, true)
    assert.deepEqual(hypervisor.inventory(), [])
  })
})
