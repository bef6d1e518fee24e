/**
 * Benchmark: the cost of `hpc status` as the cluster grows, against libvirt's test driver (real virsh
 * processes, no daemon). Prints, for N defined domains, the virsh processes spawned and the wall time
 * (median of several runs), next to the 1-domain baseline measured in the same run.
 *   npm run bench
 */
import {rmSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {countingExec} from '../packages/plugin-hpc/src/hypervisor/exec.js'
import {VirshHypervisor} from '../packages/plugin-hpc/src/hypervisor/virsh-hypervisor.js'
import {ClusterManager} from '../packages/plugin-hpc/src/vm/cluster-manager.js'
import {fixtureCluster, makeFixture, removeFixtures} from '../packages/plugin-hpc/src/vm/testing/cluster-fixture.js'
import {scaleWorld} from '../packages/plugin-hpc/src/vm/testing/scale-world.js'

const SIZES = [1, 3, 10, 30, 100]
const RUNS = 5

async function measure(count: number): Promise<{processes: number; ms: number}> {
  const cluster = fixtureCluster('scale', count - 1, '10.70.0')
  const f = await makeFixture(cluster)
  const world = scaleWorld(cluster.nodes.map((n) => n.vmName))
  try {
    const times: number[] = []
    let processes = 0
    for (let i = 0; i < RUNS; i++) {
      const counter = countingExec()
      const hv = new VirshHypervisor({uri: world.uri, exec: counter.exec})
      const start = performance.now()
      await new ClusterManager(f.spec, {...f.deps, hypervisor: hv}).status()
      times.push(performance.now() - start)
      processes = counter.count('virsh')
    }
    times.sort((a, b) => a - b)
    return {processes, ms: times[Math.floor(times.length / 2)] ?? 0}
  } finally {
    rmSync(world.dir, {recursive: true, force: true})
  }
}

const rows: string[] = ['domains  virsh processes  median ms  vs 1 domain']
let baseline = 0
for (const n of SIZES) {
  const {processes, ms} = await measure(n)
  if (n === 1) baseline = ms
  rows.push(`${String(n).padStart(7)}  ${String(processes).padStart(15)}  ${ms.toFixed(0).padStart(9)}  ${(ms / baseline).toFixed(2).padStart(10)}x`)
}
await removeFixtures()
console.log(`hpc status against libvirt's test driver, median of ${RUNS} runs\n${rows.join('\n')}`)
