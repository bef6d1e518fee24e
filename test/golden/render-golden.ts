/**
 * Renders every golden case of the libvirt templates (shared by the golden tests and by the
 * VirshHypervisor lifecycle test, which defines these exact documents in libvirt's test driver).
 * Fixed UUIDs keep the files stable and let the test driver (which invents a new UUID per virsh
 * process for objects without one) find the same objects across the processes of a listing.
 */
import {buildDomainView, buildNetworkView, buildOverlayVolumeView, buildPoolView, LibvirtRenderer} from '../../packages/plugin-hpc/src/render/index.js'
import {macForVm} from '../../packages/plugin-hpc/src/naming/index.js'
import {cluster, compute, controller, gpuCompute, gpuContribution, paths, POOL_DIR} from './cluster-fixture.js'

export interface GoldenCase {
  /** File name under test/golden/. */
  file: string
  /** virt-xml-validate schema name. */
  schema: 'domain' | 'network' | 'pool' | 'vol'
  xml: string
}

const nic = (vmName: string): {networkName: string; mac: string} => ({networkName: 'demo-network', mac: macForVm(vmName)})

export function renderGoldenCases(renderer = new LibvirtRenderer()): GoldenCase[] {
  return [
    {
      file: 'controller.xml',
      schema: 'domain',
      xml: renderer.domain(
        buildDomainView(cluster, controller, {enableKvm: true, ...nic(controller.vmName), ...paths(controller), uuid: '0b6c2c6e-52a4-4d3e-9a51-3c7f3e0a0001'}),
      ),
    },
    {
      file: 'compute.xml',
      schema: 'domain',
      xml: renderer.domain(
        buildDomainView(cluster, compute, {
          enableKvm: true,
          ...nic(compute.vmName),
          ...paths(compute),
          cpuModel: 'host-model',
          cpuFeatures: ['+avx2', 'pdpe1gb', '-hle'],
          nestedFeature: 'vmx',
          hugepageSize: '2M',
          cpuSet: [2, 3, 4, 5],
          uuid: '0b6c2c6e-52a4-4d3e-9a51-3c7f3e0a0002',
        }),
      ),
    },
    {
      file: 'compute-gpu.xml',
      schema: 'domain',
      xml: renderer.domain(
        buildDomainView(cluster, gpuCompute, {
          enableKvm: true,
          ...nic(gpuCompute.vmName),
          ...paths(gpuCompute),
          machine: 'q35',
          hugepageSize: '1G',
          contributions: [gpuContribution],
          uuid: '0b6c2c6e-52a4-4d3e-9a51-3c7f3e0a0003',
        }),
      ),
    },
    {
      file: 'direct-kernel-boot.xml',
      schema: 'domain',
      xml: renderer.domain(
        buildDomainView(cluster, compute, {
          enableKvm: false,
          ...nic(compute.vmName),
          ...paths(compute),
          kernel: {path: '/var/cache/ai-how/images/vmlinuz', initrd: '/var/cache/ai-how/images/initrd.img', cmdline: 'root=/dev/vda rw console=ttyS0'},
          graphics: false,
          uuid: '0b6c2c6e-52a4-4d3e-9a51-3c7f3e0a0004',
        }),
      ),
    },
    {file: 'network.xml', schema: 'network', xml: renderer.network(buildNetworkView(cluster, {networkName: 'demo-network', uuid: '0b6c2c6e-52a4-4d3e-9a51-3c7f3e0a00b1'}))},
    {file: 'pool.xml', schema: 'pool', xml: renderer.pool(buildPoolView({name: 'demo-pool', path: POOL_DIR, uuid: '0b6c2c6e-52a4-4d3e-9a51-3c7f3e0a00a1'}))},
    {
      file: 'volume.xml',
      schema: 'vol',
      xml: renderer.volume(buildOverlayVolumeView({name: 'demo-compute-01.qcow2', diskGb: compute.diskGb, backingPath: `${POOL_DIR}/demo-base.qcow2`})),
    },
  ]
}
