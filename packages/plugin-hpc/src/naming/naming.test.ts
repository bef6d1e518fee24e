import {createHash} from 'node:crypto'
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {hasCode} from '@ai-how/core'
import {macForVm} from './mac.js'
import {
  baseVolumeName,
  computeVmName,
  controlPlaneVmName,
  controllerVmName,
  cpuWorkerVmName,
  gpuWorkerVmName,
  networkName,
  poolName,
  seedVolumeName,
  vmVolumeName,
} from './names.js'
import {assertSafeObjectName, isSafeObjectName, isValidClusterName} from './validate.js'

void describe('libvirt object names follow the reference', () => {
  void it('derives network, pool and base volume names from the cluster name', () => {
    assert.equal(networkName('hpc-cluster'), 'hpc-cluster-network')
    assert.equal(poolName('hpc-cluster'), 'hpc-cluster-pool')
    assert.equal(baseVolumeName('hpc-cluster'), 'hpc-cluster-base.qcow2')
  })

  void it('names VMs with two-digit, 1-based counters', () => {
    assert.equal(controllerVmName('hpc'), 'hpc-controller')
    assert.equal(computeVmName('hpc', 1), 'hpc-compute-01')
    assert.equal(computeVmName('hpc', 12), 'hpc-compute-12')
    assert.equal(computeVmName('hpc', 100), 'hpc-compute-100')
    assert.equal(controlPlaneVmName('k8s'), 'k8s-control-plane')
    assert.equal(cpuWorkerVmName('k8s', 2), 'k8s-cpu-worker-02')
    assert.equal(gpuWorkerVmName('k8s', 3), 'k8s-gpu-worker-03')
    assert.throws(() => computeVmName('hpc', 0), RangeError)
  })

  void it('names the VM disk and seed after the VM', () => {
    assert.equal(vmVolumeName('hpc-compute-01'), 'hpc-compute-01.qcow2')
    assert.equal(seedVolumeName('hpc-compute-01'), 'hpc-compute-01-seed.iso')
  })
})

void describe('name validation keeps names safe for XML and commands', () => {
  void it('accepts lowercase cluster names and refuses the rest', () => {
    for (const ok of ['a', 'hpc-cluster', 'c1', `a${'b'.repeat(40)}`]) assert.ok(isValidClusterName(ok), ok)
    for (const bad of ['', 'Hpc', '1hpc', '-x', 'a b', 'a_b', 'a/b', 'a"b', 'x<y', `a${'b'.repeat(41)}`]) assert.ok(!isValidClusterName(bad), bad)
  })

  void it('throws a NAME_INVALID config error before a bad cluster name becomes an object name', () => {
    assert.throws(() => networkName('bad name'), (e: unknown) => hasCode(e, 'NAME_INVALID'))
    assert.throws(() => controllerVmName('x</name>'), (e: unknown) => hasCode(e, 'NAME_INVALID'))
  })

  void it('refuses object names with path, quote or XML characters', () => {
    assert.ok(isSafeObjectName('hpc-compute-01-seed.iso'))
    for (const bad of ['', '../etc', 'a/b', "a'b", 'a&b', '-rf', 'a..b', 'x'.repeat(101)]) assert.ok(!isSafeObjectName(bad), bad)
    assert.throws(() => assertSafeObjectName('a b', 'volume'), (e: unknown) => hasCode(e, 'NAME_UNSAFE'))
  })
})

void describe('MAC addresses come from md5(vm name)', () => {
  void it('matches the reference golden value', () => {
    assert.equal(macForVm('cloud-cluster-control-plane'), '46:a8:1e:4a:83:7b')
  })

  void it('matches values computed by the reference algorithm in Python', () => {
    // hashlib.md5(name).hexdigest()[:12], first byte (b & 0xFE) | 0x02
    assert.equal(macForVm('hpc-cluster-controller'), '72:55:52:1e:8f:d9')
    assert.equal(macForVm('hpc-cluster-compute-01'), '66:a4:f5:05:88:3a')
    assert.equal(macForVm('cloud-cluster-gpu-worker-01'), '72:5f:e1:8d:76:58')
  })

  void it('is a locally administered unicast MAC whose last five bytes are the digest', () => {
    for (const name of ['a', 'hpc-compute-07', 'x'.repeat(80)]) {
      const mac = macForVm(name)
      assert.match(mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/)
      const bytes = mac.split(':').map((h) => parseInt(h, 16))
      const digest = createHash('md5').update(name).digest()
      assert.equal((bytes[0] ?? 0) & 0x03, 0x02, `${name}: unicast + locally administered`)
      assert.deepEqual(bytes.slice(1), [...digest.subarray(1, 6)])
    }
  })
})
