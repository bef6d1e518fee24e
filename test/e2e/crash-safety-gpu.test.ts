// Issue 11 §2, a GPU claim under a real `kill -9`, on the harness's real libvirtd, without a GPU: the
// GPU plugin reads a host root (AI_HOW_SYSFS_ROOT, gpu/fake-sysfs.ts) where a GPU at an address no
// machine has is bound to vfio-pci. `hpc start` checks it, defines the compute node with both
// functions as hostdevs and claims the GPU in the state file's ledger just before `virsh start`,
// which libvirt refuses (the device is not in the real sysfs). The test watches the state file and
// kills ai-how with SIGKILL the moment the claim is written (the window before the refusal is
// released is short: it tries up to 5 times). Then:
//  - the claim is left (the pid of a dead process, a VM that does not run) and `hpc status` tells the truth;
//  - the next start is not refused as GPU_BUSY: the node claims its GPU again over the dead start's
//    claim, and fails on libvirt's refusal (this host cannot pass PCI devices through), releasing
//    its claim (a stale lock of the state file, when the kill came while the ledger was written, is
//    removed with a warning);
//  - a second kill leaves a claim again, and `destroy --force` (no state entry was ever written)
//    removes everything by ownership and releases the claim: nothing of the cluster is left.
// No guest boots (the controller is only defined).
import assert from 'node:assert/strict'
import {existsSync, readFileSync, watch} from 'node:fs'
import {mkdir, mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, makeAiHowDirs, runAiHow, spawnAiHow, tearDown} from './harness/index.js'
import type {AiHowDirs, CmdResult, E2eHost} from './harness/index.js'
import {show} from './crash/kill.js'
import {statusTellsTruth} from './crash/truth.js'
import {FAKE_GPU, fakeVfioSysfs} from './gpu/fake-sysfs.js'
import {parseJson, planCluster, writeConfig} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'
import {assertNothingLeft} from './hpc/nothing-left.js'

interface Claim {
  cluster: string
  vm_name: string
  starting_pid?: number
}

void describe('a GPU claim under kill -9 of hpc start, on a real libvirtd (a GPU at an address no machine has)', {timeout: 15 * 60_000}, () => {
  let host: E2eHost | undefined
  let dirs: AiHowDirs | undefined
  let c: E2eCluster
  let work: string | undefined
  let env: Record<string, string> = {}
  const compute = (): string => `${c.name}-compute-01`
  const aiHow = async (args: string[]): Promise<CmdResult> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', c.state], {dirs, env, timeoutMs: 10 * 60_000})
  }
  const claims = (): Record<string, Claim> => {
    try {
      return (JSON.parse(readFileSync(c.state, 'utf8')) as {gpu_allocations?: Record<string, Claim>}).gpu_allocations ?? {}
    } catch {
      return {}
    }
  }
  const truth = (): Promise<unknown> => {
    assert.ok(host)
    return statusTellsTruth({host, c, kind: 'hpc', stateKey: 'hpc_cluster', names: [`${c.name}-controller`, compute()], aiHow, claimsAllowed: true})
  }

  /** Starts the cluster and kills ai-how the moment its claim is in the state file; returns the claim and the pid (undefined: missed). */
  async function killWhileClaimed(): Promise<{claim: Claim | undefined; pid: number; result: CmdResult}> {
    assert.ok(host && dirs)
    const child = spawnAiHow(host, ['hpc', 'start', c.config, '--skip-deploy', '--state', c.state], {dirs, env})
    const pid = child.pid
    assert.ok(pid !== undefined)
    let claim: Claim | undefined
    const watcher = watch(path.dirname(c.state), () => {
      const held = claims()[FAKE_GPU]
      if (claim === undefined && held?.starting_pid === pid) {
        claim = held
        child.kill('SIGKILL')
      }
    })
    try {
      const result = await child.result
      return {claim, pid, result}
    } finally {
      watcher.close()
    }
  }

  /** Up to 5 tries: a start that was not caught holding its claim failed on libvirt's refusal and released it. */
  async function killUntilClaimLeft(t: {diagnostic: (m: string) => void}): Promise<{claim: Claim; pid: number}> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const {claim, pid, result} = await killWhileClaimed()
      if (claim !== undefined) {
        assert.notEqual(result.exitCode, 0)
        t.diagnostic(`killed holding the claim on try ${attempt}`)
        return {claim, pid}
      }
      t.diagnostic(`try ${attempt}: the start ended before the kill: ${result.stderr.split('\n').filter((l) => l.startsWith('Error')).join(' ')}`)
      assert.equal(claims()[FAKE_GPU], undefined, 'a start that failed by itself released its claim')
    }
    return assert.fail('never caught the start holding its claim in 5 tries')
  }

  before(async () => {
    host = await ensureHost()
    const image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-gpu-crash-'))
    env = {AI_HOW_SYSFS_ROOT: await fakeVfioSysfs(path.join(work, 'host-root'))}
    c = planCluster(work, 'gcrash')
    // Watched for the claim from the first start on.
    await mkdir(c.output, {recursive: true})
    await writeConfig(c, image, [{ip: `${c.subnet}.11`, gpus: [FAKE_GPU]}])
    // Only the compute node (with the GPU) is started: the controller is only defined.
    const text = await readFile(c.config, 'utf8')
    const controller = `ip_address: ${c.controllerIp}\n`
    assert.ok(text.includes(controller))
    await writeFile(c.config, text.replace(controller, `${controller}      auto_start: false\n`))
  })

  after(async () => {
    await tearDown({host, dirs, work, clusters: () => [{name: c.name, destroy: () => aiHow(['hpc', 'destroy', c.config, '--force'])}]})
  })

  void it('start killed holding the claim: the claim is left; the next start is not refused as busy, and releases its claim when libvirt refuses', async (t) => {
    const {claim, pid} = await killUntilClaimLeft(t)
    assert.deepEqual([claim.cluster, claim.vm_name], [c.name, compute()])
    assert.equal(claims()[FAKE_GPU]?.starting_pid, pid, 'the killed start\'s claim is in the ledger')
    await truth()

    const start = await aiHow(['hpc', 'start', c.config, '--skip-deploy', '--json'])
    assert.equal(start.exitCode, 1, show(start))
    const error = parseJson(start.stdout) as {code: string; message: string}
    t.diagnostic(`the next start: ${error.code}: ${error.message.split('\n')[0] ?? ''}`)
    for (const warning of start.stderr.split('\n').filter((l) => l.startsWith('Warning: '))) t.diagnostic(warning.slice(0, 160))
    // The node claims its GPU again over the dead start's claim (its own), and gets as far as libvirt's refusal.
    assert.notEqual(error.code, 'GPU_BUSY', 'the dead start\'s claim does not hold the GPU')
    assert.equal(error.code, 'HYPERVISOR_COMMAND_FAILED', error.message)
    assert.ok(error.message.includes(`virsh start ${compute()}`), error.message)
    assert.deepEqual(claims(), {}, 'the failed start released its own claim')
    await truth()
  })

  void it('killed again holding the claim, then destroy --force: every object found by ownership, the claim released, nothing left', async (t) => {
    assert.ok(host)
    await killUntilClaimLeft(t)
    await truth()
    const destroy = await aiHow(['hpc', 'destroy', c.config, '--force', '--json'])
    assert.equal(destroy.exitCode, 0, show(destroy))
    assert.deepEqual(claims(), {}, 'no claim is left')
    await assertNothingLeft(host, c)
    assert.ok(!existsSync(`${c.state}.hpc_cluster.lock`))
  })
})
