// Proves the e2e infrastructure on its own, without ai-how's VM layer: a guest built from the
// cached Debian image boots under TCG in the namespaced libvirtd, answers SSH with a test key,
// takes a real ansible-playbook run, and everything made for it can be removed without a trace.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {
  ensureGuestImage, ensureHost, findLeftovers, generateTestKeyPair, releaseHost, runPlaybook, sshRun, virsh,
} from './harness/index.js'
import type {E2eHost, GuestImage, SshTarget} from './harness/index.js'
import {createSmokeGuest, destroySmokeGuest, planSmokeGuest} from './smoke/objects.js'
import type {SmokeGuest} from './smoke/objects.js'

const seconds = (start: number): string => ((performance.now() - start) / 1000).toFixed(1)

void describe('e2e infrastructure: a cached Debian guest in the namespaced libvirtd', {timeout: 30 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let workDir: string | undefined
  let guest: SmokeGuest | undefined
  let target: SshTarget

  before(async () => {
    host = await ensureHost()
    let start = performance.now()
    image = await ensureGuestImage()
    console.error(`# guest image ready in ${seconds(start)} s (recipe ${image.recipe})`)
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-smoke-'))
    workDir = dir
    const g = planSmokeGuest(dir)
    guest = g
    const key = await generateTestKeyPair(dir)
    target = {ip: g.ip, user: image.user, privateKeyPath: key.privateKeyPath, knownHostsPath: path.join(dir, 'known_hosts')}
    start = performance.now()
    await createSmokeGuest(host, image, g, key.publicKey, dir)
    console.error(`# network, pool, overlay, seed and domain created and started in ${seconds(start)} s`)
  })

  after(async () => {
    if (host !== undefined) {
      if (guest !== undefined) await destroySmokeGuest(host, guest, false)
      await releaseHost()
    }
    if (workDir !== undefined) await rm(workDir, {recursive: true, force: true})
  })

  void it('boots under TCG and answers SSH with the test key at its reserved IP once cloud-init is done', async (t) => {
    assert.ok(host && guest)
    const start = performance.now()
    const command = 'cloud-init status --wait >/dev/null || { cloud-init status --long; exit 1; }; hostname; ip -4 -o addr show scope global'
    const res = await sshRun(host, target, command, 420_000)
    if (!res.connected) {
      const consoleLog = await readFile(guest.consoleLog, 'utf8').catch(() => '(no console log)')
      assert.fail(`no SSH after ${res.attempts} attempts (${res.lastError}); console tail:\n${consoleLog.slice(-3000)}`)
    }
    t.diagnostic(`boot to SSH + cloud-init done: ${seconds(start)} s (${res.attempts} attempts)`)
    assert.equal(res.exitCode, 0, `cloud-init did not finish cleanly:\n${res.stdout}${res.stderr}`)
    const [hostname, addr] = res.stdout.split('\n')
    assert.equal(hostname, guest.name)
    assert.match(addr ?? '', new RegExp(`inet ${guest.ip.replaceAll('.', '\\.')}/24 `))
    assert.match(await readFile(target.knownHostsPath ?? '', 'utf8'), new RegExp(`^${guest.ip.replaceAll('.', '\\.')} ssh-`, 'm'))
  })

  void it('takes a real ansible-playbook run that gathers facts and writes a marker with sudo', async (t) => {
    assert.ok(host && guest && workDir !== undefined)
    const inventory = path.join(workDir, 'inventory.ini')
    await writeFile(inventory, [
      '[smoke]',
      `${guest.name} ansible_host=${guest.ip} ansible_user=${target.user} ansible_ssh_private_key_file=${target.privateKeyPath} ` +
        `ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args="-o UserKnownHostsFile=${target.knownHostsPath ?? ''} -o StrictHostKeyChecking=yes"`,
      '',
    ].join('\n'))
    const start = performance.now()
    const res = await runPlaybook(host, {playbook: path.resolve(import.meta.dirname, 'playbooks/smoke.yml'), inventory, workDir})
    t.diagnostic(`ansible-playbook: ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    assert.match(res.stdout, new RegExp(`${guest.name}\\s*: ok=\\d+\\s+changed=1\\s+unreachable=0\\s+failed=0`))
    const marker = await sshRun(host, target, 'cat /var/tmp/ai-how-e2e-marker', 60_000)
    assert.equal(marker.stdout.trim(), `${guest.name} ${guest.ip} bookworm`)
  })

  void it('removes the domain, volume, pool and network without leaving anything of the guest behind', async (t) => {
    assert.ok(host && guest)
    const start = performance.now()
    await destroySmokeGuest(host, guest, true)
    t.diagnostic(`teardown of the guest's objects: ${seconds(start)} s`)
    assert.deepEqual(await findLeftovers(host, guest.name), [])
    assert.equal((await virsh(host, ['domstate', guest.name], {reject: false})).exitCode, 1)
  })
})
