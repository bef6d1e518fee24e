import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, it} from 'node:test'
import {isAiHowError} from '@ai-how/core'
import {hypervisorFailure, libvirtMessage} from './errors.js'
import {VirshRunner} from './runner.js'

const request = {file: 'virsh', args: ['-q', '-c', 'qemu:///system', 'start', 'demo-compute-01']}
const failed = (stderr: string) => hypervisorFailure(request, {exitCode: 1, stdout: '', stderr, timedOut: false}, 'virsh start demo-compute-01')

/**
 * virsh stderr as libvirt prints it (LC_ALL=C). "test driver" ones were recorded here with
 * virsh 9.0 against test:///default; the others are libvirt's messages as reported from hosts
 * (E2E-NOTES.md, libvirt bug reports), with paths and names of this project.
 */
const RECORDED: readonly [string, string][] = [
  // E2E-NOTES.md: no virtlogd running.
  ['HYPERVISOR_VIRTLOGD_MISSING', "error: Failed to start domain 'demo-compute-01'\nerror: Failed to connect socket to '/var/run/libvirt/virtlogd-sock': No such file or directory\n"],
  // Recorded here: no libvirtd.
  ['HYPERVISOR_UNREACHABLE', "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n"],
  ['HYPERVISOR_UNREACHABLE', "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied\n"],
  // libvirtd stopped while a command waits for its answer (the connection ends mid-call).
  ['HYPERVISOR_UNREACHABLE', "error: Failed to start domain 'demo-compute-01'\nerror: End of file while reading data: Input/output error\n"],
  ['HYPERVISOR_UNREACHABLE', "error: Failed to define domain from /dev/stdin\nerror: Cannot write data: Broken pipe\n"],
  // qemu cannot open /dev/kvm (both lines end in "Permission denied": must still be NO_KVM).
  [
    'HYPERVISOR_NO_KVM',
    "error: Failed to start domain 'demo-compute-01'\nerror: internal error: process exited while connecting to monitor: Could not access KVM kernel module: Permission denied\n2024-05-02T10:00:00.123456Z qemu-system-x86_64: failed to initialize kvm: Permission denied\n",
  ],
  [
    'HYPERVISOR_NO_KVM',
    "error: Failed to start domain 'demo-compute-01'\nerror: unsupported configuration: Domain requires KVM, but it is not available. Check that virtualization is enabled in the host BIOS, and host configuration is setup to load the kvm modules.\n",
  ],
  ['HYPERVISOR_NO_KVM', "error: Failed to define domain from /dev/stdin\nerror: invalid argument: could not find capabilities for arch=x86_64 domaintype=kvm \n"],
  // Recorded by test/e2e/crash-safety.test.ts: the base import into a pool folder on a full filesystem.
  [
    'HYPERVISOR_DISK_FULL',
    "error: cannot send data to volume demo-base.qcow2\nerror: Unable to write /var/lib/libvirt/images/ai-how/demo/demo-base.qcow2: No space left on device\n",
  ],
  // qemu (as libvirt-qemu) cannot read an image under /root.
  [
    'HYPERVISOR_PERMISSION_DENIED',
    "error: Failed to start domain 'demo-compute-01'\nerror: internal error: process exited while connecting to monitor: 2024-05-02T10:00:00.123456Z qemu-system-x86_64: -blockdev {\"driver\":\"file\",\"filename\":\"/root/images/base.qcow2\",\"node-name\":\"libvirt-2-storage\"}: Could not open '/root/images/base.qcow2': Permission denied\n",
  ],
  ['HYPERVISOR_BRIDGE_IN_USE', 'error: Failed to start network demo-network\nerror: internal error: Network is already in use by interface virbr1\n'],
  ['HYPERVISOR_BRIDGE_IN_USE', 'error: Failed to start network demo-network\nerror: error creating bridge interface br-demo: File exists\n'],
  [
    'HYPERVISOR_ADDRESS_IN_USE',
    'error: Failed to start network demo-network\nerror: internal error: Child process (VIR_BRIDGE_NAME=br-demo /usr/sbin/dnsmasq --conf-file=/var/lib/libvirt/dnsmasq/demo-network.conf --leasefile-ro --dhcp-script=/usr/lib/libvirt/libvirt_leaseshelper) unexpected exit status 2: \ndnsmasq: failed to create listening socket for 192.168.150.1: Address already in use\n',
  ],
  // Recorded here against the test driver.
  ['HYPERVISOR_DOMAIN_NOT_FOUND', "error: failed to get domain 'nosuch'\n"],
  ['HYPERVISOR_NETWORK_NOT_FOUND', "error: failed to get network 'nosuch'\nerror: Network not found: no network with matching name 'nosuch'\n"],
  ['HYPERVISOR_POOL_NOT_FOUND', "error: failed to get pool 'nosuch'\nerror: Storage pool not found: no storage pool with matching name 'nosuch'\n"],
  ['HYPERVISOR_VOLUME_NOT_FOUND', "error: failed to get vol 'nosuch'\nerror: Storage volume not found: no storage vol with matching path 'nosuch'\n"],
  ['HYPERVISOR_ALREADY_EXISTS', "error: Failed to define network from net.xml\nerror: operation failed: network 't-network' already exists with uuid 3f9112be-19f3-4f29-a9fb-8828cc86f4f5\n"],
  ['HYPERVISOR_NOT_ACTIVE', 'error: Failed to update network default\nerror: Requested operation is not valid: network is not running\n'],
  [
    'HYPERVISOR_DHCP_HOST_EXISTS',
    "error: Failed to update network c-network\nerror: Requested operation is not valid: there is an existing dhcp host entry in network 'c-network' that matches \"<host mac='52:54:00:aa:bb:01' name='c-controller' ip='192.168.50.10'/>\"\n",
  ],
  ['HYPERVISOR_DHCP_HOST_MISSING', "error: Failed to update network c-network\nerror: Requested operation is not valid: couldn't locate a matching dhcp host entry in network 'c-network'\n"],
  ['HYPERVISOR_COMMAND_FAILED', "error: Failed to shutdown domain 'test'\nerror: internal error: something nobody expected\n"],
]

void describe('virsh failures become HypervisorErrors with a code and actions', () => {
  for (const [code, stderr] of RECORDED) {
    void it(`${code} <- ${libvirtMessage(stderr).slice(0, 90)}`, () => {
      const error = failed(stderr)
      assert.equal(error.code, code)
      assert.ok(isAiHowError(error))
      assert.equal(error.exitCode, 1)
      assert.ok(error.actions.length > 0, 'every mapped error says what to do')
      assert.ok(error.message.startsWith('virsh start demo-compute-01 failed: '), error.message)
      assert.deepEqual((error.details as {command: string}).command, 'virsh -q -c qemu:///system start demo-compute-01')
    })
  }

  void it('tells the user how to leave KVM out when KVM is missing', () => {
    const error = failed(RECORDED.find(([code]) => code === 'HYPERVISOR_NO_KVM')?.[1] ?? '')
    assert.ok(error.actions.some((a) => a.includes('enable_kvm: false')))
  })

  void it('an unreachable daemon names the URI ai-how used, in the message and the actions (the socket in libvirt\'s text is not what a user configures)', () => {
    const error = failed("error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n")
    assert.equal(error.message, "virsh start demo-compute-01 failed: libvirt at qemu:///system cannot be reached: failed to connect to the hypervisor: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory")
    assert.ok(error.actions.some((a) => a.startsWith('Check the URI: ai-how used qemu:///system ')), error.actions.join('\n'))
    assert.equal((error.details as {uri: string}).uri, 'qemu:///system')
  })

  void it('a timeout and a missing binary have their own codes', () => {
    assert.equal(hypervisorFailure(request, {exitCode: -1, stdout: '', stderr: '', timedOut: true}, 'x').code, 'HYPERVISOR_TIMEOUT')
    const missing = hypervisorFailure(request, {exitCode: -1, stdout: '', stderr: '', timedOut: false, spawnError: 'ENOENT'}, 'x')
    assert.equal(missing.code, 'HYPERVISOR_TOOL_MISSING')
    assert.match(missing.actions.join(' '), /libvirt-clients/)
  })
})

const hasVirsh = spawnSync('sh', ['-c', 'command -v virsh']).status === 0

void describe('real processes: the mapping applies to what virsh and execa really report', () => {
  void it('a libvirt socket that does not exist -> HYPERVISOR_UNREACHABLE', {skip: !hasVirsh && 'virsh is not installed'}, async () => {
    const uri = 'qemu:///system?socket=/nonexistent/ai-how-test/libvirt-sock'
    const runner = new VirshRunner({uri})
    await assert.rejects(runner.run(['list', '--all']), (error: unknown) => isAiHowError(error) && error.code === 'HYPERVISOR_UNREACHABLE' && error.message.includes(`libvirt at ${uri} cannot be reached`))
    await assert.rejects(runner.batch([['list', '--all']]), (error: unknown) => isAiHowError(error) && error.code === 'HYPERVISOR_UNREACHABLE' && error.message.includes(`libvirt at ${uri} cannot be reached`))
  })

  void it('a tool that is not installed -> HYPERVISOR_TOOL_MISSING', async () => {
    const runner = new VirshRunner({uri: 'test:///default'})
    await assert.rejects(runner.tool('ai-how-no-such-tool', ['info'], 5000), (error: unknown) => isAiHowError(error) && error.code === 'HYPERVISOR_TOOL_MISSING')
  })

  void it('a domain that does not exist (test driver) -> HYPERVISOR_DOMAIN_NOT_FOUND', {skip: !hasVirsh && 'virsh is not installed'}, async () => {
    const runner = new VirshRunner({uri: 'test:///default'})
    await assert.rejects(runner.run(['start', 'no-such-domain']), (error: unknown) => isAiHowError(error) && error.code === 'HYPERVISOR_DOMAIN_NOT_FOUND')
  })
})
