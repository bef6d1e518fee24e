/** The hpc manager over a VM fixture, with a deploy playbook and a deployer that records the hosts of each run. */
import type {ClusterContext, Deployer} from '@ai-how/core'
import type {HpcClusterConfig} from '../../kind/types.js'
import type {Fixture} from '../../vm/testing/cluster-fixture.js'
import {HpcClusterManager} from '../manager.js'
import type {HpcOptions} from '../options.js'

const PLAYBOOK = '/usr/share/ai-how/slurm.yml'

export function hpcSection(f: Fixture): HpcClusterConfig {
  const node = {cpu_cores: 1, memory_gb: 1, disk_gb: 10}
  return {
    name: f.spec.cluster.name,
    base_image_path: f.spec.baseImagePath,
    network: {subnet: '10.50.0.0/24', bridge: 'br-lab'},
    controller: {...node, ip_address: '10.50.0.10'},
    compute_nodes: f.spec.cluster.nodes.filter((n) => n.role === 'compute').map((n) => ({...node, ip: n.ip ?? ''})),
    slurm_config: {partitions: ['compute'], default_partition: 'compute'},
    deploy: {playbook: PLAYBOOK},
  }
}

/** A deployer that succeeds at once and records the hosts of each run. */
export function recordingDeployer(runs: string[][]): Deployer {
  return {
    deploy: (_ctx, _inventory, progress) => {
      runs.push([...(progress?.hosts ?? [])])
      return Promise.resolve({ok: true, summary: 'ok=1', playbook: PLAYBOOK})
    },
  }
}

export function hpcManager(f: Fixture, options: Partial<HpcOptions> = {}, deployer: Deployer = recordingDeployer([])): HpcClusterManager {
  const section = hpcSection(f)
  const ctx = {cluster: f.spec.cluster, section, outputDir: f.spec.outputDir, statePath: f.spec.statePath, options: {}, loaded: {file: f.spec.configFile}, log: f.deps.log} as unknown as ClusterContext
  return new HpcClusterManager(f.spec, {...f.deps, extensions: {ctx, deployer}}, {section, skipDeploy: false, ...options})
}

