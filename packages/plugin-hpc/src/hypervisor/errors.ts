/**
 * Turns a failed `virsh`/`qemu-img` run into a HypervisorError whose code names the cause and whose
 * actions say what to do. The patterns are libvirt's own messages (LC_ALL=C); the first rule that
 * matches wins, so the more specific causes come first (a missing virtlogd socket is also a
 * "Failed to connect socket", and a KVM failure often ends in "Permission denied").
 */
import {HypervisorError} from '@ai-how/core'
import type {ExecRequest, ExecResult} from './exec.js'

interface Rule {
  code: string
  test: RegExp
  actions: readonly string[]
}

const START_LIBVIRTD = 'Start the libvirt daemon: `sudo systemctl start libvirtd` (or `sudo libvirtd -d` where no service manager runs), then retry.'

const RULES: readonly Rule[] = [
  {
    code: 'HYPERVISOR_VIRTLOGD_MISSING',
    test: /virtlogd-sock.*No such file/s,
    actions: ['Start virtlogd: `sudo systemctl start virtlogd` (or `sudo virtlogd -d` where no service manager runs), then retry.'],
  },
  {
    code: 'HYPERVISOR_UNREACHABLE',
    // Also a daemon that stops while a command talks to it (the connection ends mid-call).
    test: /failed to connect to the hypervisor|Failed to connect socket to '[^']*(libvirt|virtqemud|virtproxyd)[^']*-sock'|Connection refused|Cannot recv data|End of file while reading data|Cannot write data: (Broken pipe|Connection reset)|client socket is closed/,
    actions: [
      START_LIBVIRTD,
      'Check the URI (libvirt_uri in the config, or LIBVIRT_DEFAULT_URI); qemu:///system is the default.',
      'On "Permission denied", add your user to the libvirt group (`sudo usermod -aG libvirt $USER`, then log in again) or run as root.',
    ],
  },
  {
    code: 'HYPERVISOR_NO_KVM',
    test: /Could not access KVM kernel module|failed to initialize kvm|Domain requires KVM|domaintype=kvm|domain type kvm|\/dev\/kvm/i,
    actions: [
      'Set hardware.acceleration.enable_kvm: false in the config to run guests with software emulation (slow, but works without KVM).',
      'Or load KVM: `sudo modprobe kvm_intel` (Intel) or `sudo modprobe kvm_amd` (AMD), enable virtualization in the firmware, and make /dev/kvm accessible to the qemu user.',
    ],
  },
  {
    code: 'HYPERVISOR_DISK_FULL',
    test: /No space left on device|Disk quota exceeded/,
    actions: [
      'Free space on the filesystem of the storage pool (the folder in the message; `df -h` shows what is left), or put the pools on a larger one with AI_HOW_POOL_ROOT=FOLDER, then retry.',
    ],
  },
  {
    code: 'HYPERVISOR_PERMISSION_DENIED',
    test: /Permission denied/,
    actions: [
      'Make the image readable by the qemu process: keep images under /var/lib/libvirt/images, or `chmod o+rx` every folder on the path and `chmod o+r` the file.',
      'Or let qemu run as root: set user = "root" and group = "root" in /etc/libvirt/qemu.conf, then restart libvirtd.',
    ],
  },
  {
    code: 'HYPERVISOR_BRIDGE_IN_USE',
    test: /Network is already in use by interface|bridge name '[^']*' already in use|error creating bridge interface .*File exists/,
    actions: [
      'Another network or host interface uses this bridge or subnet: pick another network.bridge / network.subnet in the config,',
      'or remove the conflicting libvirt network (`virsh net-list --all`, `virsh net-destroy NAME`, `virsh net-undefine NAME`).',
    ],
  },
  {
    code: 'HYPERVISOR_ADDRESS_IN_USE',
    test: /Address already in use/,
    actions: ['Something on the host already listens on the network\'s gateway address (often a stray dnsmasq): stop it, or change network.subnet / gateway_ip.'],
  },
  {
    code: 'HYPERVISOR_DNSMASQ_MISSING',
    test: /dnsmasq.*No such file|Cannot check dnsmasq binary/,
    actions: ['Install dnsmasq (Debian: `sudo apt-get install dnsmasq-base`); libvirt needs it for NAT networks with DHCP.'],
  },
  {code: 'HYPERVISOR_DOMAIN_NOT_FOUND', test: /failed to get domain|Domain not found/, actions: ['List the domains with `virsh list --all`; run `start` to create it.']},
  {code: 'HYPERVISOR_NETWORK_NOT_FOUND', test: /failed to get network|Network not found/, actions: ['The cluster network does not exist: run `start` to create it, or check `virsh net-list --all`.']},
  {code: 'HYPERVISOR_POOL_NOT_FOUND', test: /failed to get pool|Storage pool not found/, actions: ['The storage pool does not exist: run `start` to create it, or check `virsh pool-list --all`.']},
  {code: 'HYPERVISOR_VOLUME_NOT_FOUND', test: /failed to get vol|Storage volume not found/, actions: ['The volume does not exist: check `virsh vol-list POOL`.']},
  {code: 'HYPERVISOR_DHCP_HOST_EXISTS', test: /existing dhcp host entry/, actions: ['A DHCP reservation for this MAC, name or IP exists already in the network: remove it first (`virsh net-dumpxml NETWORK`).']},
  {code: 'HYPERVISOR_DHCP_HOST_MISSING', test: /couldn't locate a matching dhcp host entry/, actions: ['The DHCP reservation is not in the network: nothing to remove.']},
  {code: 'HYPERVISOR_ALREADY_EXISTS', test: /already exists|exists already/, actions: ['An object of that name exists already: reuse it, or remove it first.']},
  {code: 'HYPERVISOR_NOT_ACTIVE', test: /not running|not active/, actions: ['Start the object first (or skip the step: it is already stopped).']},
]

/** The libvirt message without virsh's `error: ` prefixes, one clause per line joined with ': '. */
export function libvirtMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('I/O warning'))
  return lines.map((line) => line.replace(/^error:\s*/, '')).join(': ')
}

/** The command as an operator would type it (for logs and error details; never executed). */
export function printableCommand(request: Pick<ExecRequest, 'file' | 'args'>): string {
  const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)
  return [request.file, ...request.args].map(quote).join(' ')
}

/** The libvirt URI of a virsh command (`virsh -q -c URI ...`), undefined for other tools. */
function uriOf(request: Pick<ExecRequest, 'file' | 'args'>): string | undefined {
  const at = request.args.indexOf('-c')
  return request.file === 'virsh' && at >= 0 ? request.args[at + 1] : undefined
}

/** The HypervisorError for a failed run of `request`; `action` names it in the message (e.g. `virsh start web-01`). */
export function hypervisorFailure(request: Pick<ExecRequest, 'file' | 'args'>, result: ExecResult, action: string): HypervisorError {
  const command = printableCommand(request)
  const details = {command, exitCode: result.exitCode, stderr: result.stderr}
  if (result.spawnError !== undefined) {
    const pkg = request.file === 'virsh' ? 'libvirt-clients' : request.file === 'qemu-img' ? 'qemu-utils' : request.file
    return new HypervisorError(`cannot run ${request.file}: ${result.spawnError}`, {
      code: 'HYPERVISOR_TOOL_MISSING',
      details,
      actions: [`Install ${request.file} (Debian: \`sudo apt-get install ${pkg}\`) and make sure it is on PATH.`],
    })
  }
  if (result.timedOut) {
    return new HypervisorError(`${command} did not finish in time`, {
      code: 'HYPERVISOR_TIMEOUT',
      details,
      actions: ['Check that libvirtd is responsive (`virsh list` should answer at once), then retry.'],
    })
  }
  const message = libvirtMessage(result.stderr) || `exit status ${result.exitCode}`
  const rule = RULES.find((r) => r.test.test(result.stderr))
  const uri = uriOf(request)
  if (rule?.code === 'HYPERVISOR_UNREACHABLE' && uri !== undefined) {
    // The socket in libvirt's message is not the URI a user configures: name the URI ai-how used.
    return new HypervisorError(`${action} failed: libvirt at ${uri} cannot be reached: ${message}`, {
      code: rule.code,
      details: {...details, uri},
      actions: rule.actions.map((a) => (a.startsWith('Check the URI') ? `Check the URI: ai-how used ${uri} (libvirt_uri in the config, or LIBVIRT_DEFAULT_URI; qemu:///system is the default).` : a)),
    })
  }
  return new HypervisorError(`${action} failed: ${message}`, {
    code: rule?.code ?? 'HYPERVISOR_COMMAND_FAILED',
    details,
    actions: rule?.actions ?? [`Run \`${command}\` by hand to see the whole error.`],
  })
}
