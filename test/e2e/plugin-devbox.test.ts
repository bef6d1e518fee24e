// The plugin author's kit on a real libvirtd: examples/plugin-devbox packed with npm, installed from
// the tarball with `ai-how plugins install` (no registry: it finds @ai-how/core and plugin-hpc
// through the CLI), then its own kind's `validate`, `plan`, `devbox start` (one box booting the
// cached guest image, software emulation), `devbox status`, and `devbox destroy --force`, which
// leaves nothing in libvirt. No warning is printed along the way.
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, findLeftovers, makeAiHowDirs, releaseHost, runAiHow, sshRun} from './harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from './harness/index.js'
import type {CmdResult} from './harness/exec.js'
import {parseJson, planCluster} from './hpc/cluster.js'
import {devboxConfig, packDevbox, warningLines} from '../plugins/devbox-kit.js'

const show = (r: CmdResult): string => `exit ${r.exitCode}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`

void describe('a third-party cluster kind (examples/plugin-devbox) installed from its tarball, on a real libvirtd', {timeout: 30 * 60_000}, () => {
  let host: E2eHost | undefined
  let dirs: AiHowDirs | undefined
  let work = ''
  let image: GuestImage | undefined
  const cluster = planCluster(os.tmpdir(), 'devbox')
  const config = (): string => path.join(work, 'devbox.yaml')
  const aiHow = async (args: string[]): Promise<CmdResult> => {
    assert.ok(host && dirs)
    // This machine's ~/.npmrc makes npm warn about a setting of its own: not the plugin's doing.
    const state = args[0] === 'devbox' || args[0] === 'plan' ? ['--state', path.join(work, 'output', 'state.json')] : []
    return runAiHow(host, [...args, ...state], {dirs, env: {npm_config_userconfig: '/dev/null'}, timeoutMs: 20 * 60_000})
  }

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-devbox-'))
    const vm = [`      kernel: ${image.kernel}`, `      initrd: ${image.initrd}`, `      cmdline: ${JSON.stringify(image.cmdline)}`, ''].join('\n')
    const section = ['    hardware:', '      acceleration:', '        enable_kvm: false', '    ssh:', `      user: ${image.user}`, ''].join('\n')
    await writeFile(config(), devboxConfig({image: image.image, name: cluster.name, count: 1, subnet: cluster.subnet, bridge: `br${cluster.name.slice(-10)}`, vmExtra: vm, sectionExtra: section}))
  })

  after(async () => {
    if (host !== undefined) {
      if (dirs !== undefined && (await findLeftovers(host, cluster.name)).length > 0) await aiHow(['devbox', 'destroy', config(), '--force'])
      await releaseHost()
    }
    if (work !== '') await rm(work, {recursive: true, force: true})
    if (dirs !== undefined) await rm(dirs.root, {recursive: true, force: true})
  })

  void it('installs, validates, plans, starts one box that answers SSH, reports it, and destroys it without a trace', async (t) => {
    assert.ok(host && image)
    const tarball = await packDevbox(work)
    const install = await aiHow(['plugins', 'install', `file:${tarball}`])
    assert.equal(install.exitCode, 0, show(install))

    const validate = await aiHow(['validate', config()])
    assert.equal(validate.exitCode, 0, show(validate))
    const plan = await aiHow(['plan', config(), '--json'])
    assert.equal(plan.exitCode, 0, show(plan))
    const [report] = (JSON.parse(plan.stdout) as {clusters: {kind: string; items: {name: string; action: string}[]}[]}).clusters
    assert.equal(report?.kind, 'devbox')
    assert.ok(report.items.some((i) => i.name === `${cluster.name}-box-01` && i.action === 'create'), show(plan))

    const t0 = performance.now()
    const start = await aiHow(['devbox', 'start', config(), '--json'])
    t.diagnostic(`devbox start (1 box, emulated): ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(start.exitCode, 0, show(start))
    const started = parseJson(start.stdout) as {status: string; created: string[]; logins: Record<string, string>}
    assert.equal(started.status, 'running')
    assert.deepEqual(started.created, [`${cluster.name}-box-01`])
    assert.match(started.logins[`${cluster.name}-box-01`] ?? '', new RegExp(` ${image.user}@${cluster.subnet.replaceAll('.', '\\.')}\\.10$`))

    // The login the plugin reports works: the cluster key, the known_hosts ai-how wrote.
    const key = path.join(work, 'output', 'keys', cluster.name, 'id_ed25519')
    const knownHostsPath = path.join(work, 'output', 'keys', cluster.name, 'known_hosts')
    const probe = await sshRun(host, {ip: `${cluster.subnet}.10`, user: image.user, privateKeyPath: key, knownHostsPath}, 'hostname', 60_000)
    assert.ok(probe.connected, `no SSH to the box: ${probe.lastError}`)
    assert.equal(probe.stdout.trim(), `${cluster.name}-box-01`)

    const status = await aiHow(['devbox', 'status', config(), '--json'])
    assert.equal(status.exitCode, 0, show(status))
    const s = parseJson(status.stdout) as {status: string; nodes: {name: string; state: string; ip: {live: string | null}}[]}
    assert.equal(s.status, 'running')
    assert.deepEqual(s.nodes.map((n) => [n.name, n.state, n.ip.live]), [[`${cluster.name}-box-01`, 'running', `${cluster.subnet}.10`]])

    const destroy = await aiHow(['devbox', 'destroy', config(), '--force'])
    assert.equal(destroy.exitCode, 0, show(destroy))
    assert.deepEqual(await findLeftovers(host, cluster.name), [])
    for (const r of [install, validate, plan, start, status, destroy]) assert.deepEqual(warningLines(r.stderr), [], show(r))
  })
})
