/** The human lines of cloud start, stop and status (what a person reads on stderr / stdout). */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {ClusterStatus, StartResult, StopResult} from '@ai-how/plugin-hpc'
import {cloudStartSummary, cloudStatusText, cloudStopSummary} from './render.js'

const stop: StopResult = {kind: 'cloud', name: 'lab', status: 'stopped', stopped: ['lab-control-plane', 'lab-cpu-worker-01'], forced: [], suspended: [], already_off: ['lab-gpu-worker-01'], nodes: [], warnings: []}

void describe('cloud summaries', () => {
  void it('stop: the drain report in words (cordons, evictions, pods a budget kept), or why there was none', () => {
    const drain = {reachable: true, error: null, cordoned: ['lab-control-plane', 'lab-cpu-worker-01'], already_cordoned: [], unknown_nodes: [], evicted: [{namespace: 'default', name: 'web'}], blocked: [{namespace: 'default', name: 'db-0', node: 'lab-cpu-worker-01', reason: 'PDB'}], skipped: [{namespace: 'kube-system', name: 'kube-proxy-x', node: 'lab-cpu-worker-01', reason: 'DaemonSet'}], elapsed_ms: 10}
    const text = cloudStopSummary({...stop, drain} as StopResult)
    assert.match(text, /^✓ cloud cluster lab is stopped: shut down 2, already off 1$/m)
    assert.match(text, /^ {2}drain: cordoned 2 node\(s\), evicted 1 pod\(s\), not evicted: default\/db-0; the next cloud start uncordons them$/m)
    assert.match(cloudStopSummary({...stop, drain: {not_run: '--skip-drain'}} as StopResult), /^ {2}drain: not done \(--skip-drain\)$/m)
    assert.match(cloudStopSummary({...stop, drain: {...drain, reachable: false, error: 'connect ECONNREFUSED'}} as StopResult), /drain: the Kubernetes API did not answer \(connect ECONNREFUSED\)/)
  })

  void it('start: the nodes left out, the kubeconfig, the health and the units started again', () => {
    const start: StartResult = {kind: 'cloud', name: 'lab', status: 'running', state_file: '/o/state.json', network: 'lab-network', pool: 'lab-pool', created: ['a'], started: ['a'], kept: [], ssh_ready: [], restored: [], clock: [], changes: [], left_out: [{name: 'lab-gpu-worker-01', reason: 'auto_start: false'}], kubernetes: {kubeconfig: '/o/lab/kubeconfig', healthy: true, version: 'v1.30.4', nodes_ready: '2/2', uncordoned: ['lab-cpu-worker-01'], runtime_started: {'lab-cpu-worker-01': ['containerd', 'kubelet']}}}
    const text = cloudStartSummary(start)
    assert.match(text, /^ {2}lab-cpu-worker-01: started containerd, kubelet again \(a stop that did not finish had stopped them\)$/m)
    assert.match(text, /lab-gpu-worker-01: defined, not started \(auto_start: false\)/)
    assert.match(text, /kubeconfig: \/o\/lab\/kubeconfig/)
    assert.match(text, /kubernetes: healthy, v1\.30\.4, nodes Ready 2\/2/)
    assert.match(text, /uncordoned: lab-cpu-worker-01/)
  })

  void it('status: the Kubernetes line, reachable or not', () => {
    const base = {kind: 'cloud', name: 'lab', config_file: 'c.yaml', state_file: 's', status: 'running', recorded_status: 'running', libvirt_uri: 'qemu:///system', network: {name: 'n', exists: true, active: true, owned: true, bridge: 'b', subnet: '10.0.0.0/24'}, pool: {name: 'p', exists: true, active: true, owned: true, path: '/p'}, nodes: [], resources: {vcpu: 0, memory_gb: 0, disk_gb: 0, gpus: 0}, drift: []} satisfies ClusterStatus
    assert.match(cloudStatusText({...base, kubernetes: {api_reachable: true, version: 'v1.30.4', nodes_ready: '1/2', pods_running: '8/8', healthy: false, not_ready: [{name: 'lab-cpu-worker-01', reason: 'KubeletNotReady'}]}} as ClusterStatus), /Kubernetes: API reachable, v1\.30\.4, nodes Ready 1\/2, kube-system pods running 8\/8: NOT healthy\n {2}not Ready: lab-cpu-worker-01 \(KubeletNotReady\)/)
    assert.match(cloudStatusText({...base, kubernetes: {api_reachable: false, reason: 'no VM of the cluster runs'}} as ClusterStatus), /Kubernetes: API not reachable \(no VM of the cluster runs\)/)
  })
})
