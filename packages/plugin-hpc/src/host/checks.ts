/**
 * Host prerequisites of the VM layer (`ai-how doctor`, `validate --check-host`): the tools ai-how
 * calls, libvirt reachable on every URI in use, and /dev/kvm usable where a cluster wants KVM.
 * Each failed check says exactly how to fix it on Debian/Ubuntu.
 */
import type {ClusterDescription, HostCheckResult} from '@ai-how/core'
import {constants} from 'node:fs'
import {access} from 'node:fs/promises'
import {findOnPath} from './tools.js'

interface Tool {
  id: string
  names: string[]
  purpose: string
  pkg: string
}

const TOOLS: Tool[] = [
  {id: 'tool.virsh', names: ['virsh'], purpose: 'talks to libvirt', pkg: 'libvirt-clients'},
  {id: 'tool.qemu-img', names: ['qemu-img'], purpose: 'inspects and converts disk images', pkg: 'qemu-utils'},
  {id: 'tool.iso', names: ['genisoimage', 'xorriso', 'cloud-localds'], purpose: 'builds cloud-init seed ISOs', pkg: 'genisoimage'},
  {id: 'tool.ansible', names: ['ansible-playbook'], purpose: 'runs the deploy playbooks', pkg: 'ansible-core'},
]

async function toolCheck(tool: Tool, envPath?: string): Promise<HostCheckResult> {
  for (const name of tool.names) {
    const found = await findOnPath(name, envPath)
    if (found) return {id: tool.id, ok: true, message: `${name} found at ${found} (${tool.purpose})`, fix: []}
  }
  return {
    id: tool.id,
    ok: false,
    message: `${tool.names.join(' or ')} not found on PATH: ai-how needs it because it ${tool.purpose}`,
    fix: [`apt-get install --no-install-recommends ${tool.pkg}`],
  }
}

async function libvirtCheck(uri: string): Promise<HostCheckResult> {
  const id = `libvirt.${uri}`
  try {
    const {execa} = await import('execa')
    const {stdout} = await execa('virsh', ['-q', '-c', uri, 'version'], {env: {LC_ALL: 'C'}, timeout: 15_000})
    const version = /Running hypervisor:\s*(.+)/.exec(stdout)?.[1] ?? 'reachable'
    return {id, ok: true, message: `libvirt at ${uri} answers (${version.trim()})`, fix: []}
  } catch (error) {
    const stderr = (error as {stderr?: unknown}).stderr
    const detail = (typeof stderr === 'string' && stderr.trim()) || (error as Error).message
    return {
      id,
      ok: false,
      message: `libvirt at ${uri} does not answer: ${detail.split('\n')[0] ?? ''}`,
      fix: [
        'apt-get install --no-install-recommends libvirt-daemon-system qemu-system-x86 dnsmasq-base',
        'start the daemons: systemctl start libvirtd (or, without systemd: virtlogd -d && libvirtd -d)',
        'for qemu:///system as a normal user: add yourself to the libvirt group and log in again',
      ],
    }
  }
}

async function kvmCheck(devKvm: string): Promise<HostCheckResult> {
  try {
    await access(devKvm, constants.R_OK | constants.W_OK)
    return {id: 'kvm', ok: true, message: `${devKvm} is usable`, fix: []}
  } catch {
    return {
      id: 'kvm',
      ok: false,
      message: `${devKvm} is missing or not writable: VMs with enable_kvm: true cannot start`,
      fix: [
        'enable virtualization (VT-x/AMD-V) in the firmware, then: modprobe kvm_intel (or kvm_amd)',
        'add your user to the kvm group',
        'or set hardware.acceleration.enable_kvm: false in the cluster config (software emulation, slow)',
      ],
    }
  }
}

export interface VmHostCheckOptions {
  clusters: readonly ClusterDescription[]
  defaultUri?: string
  devKvm?: string
  envPath?: string
}

export async function vmHostChecks(options: VmHostCheckOptions): Promise<HostCheckResult[]> {
  const results = await Promise.all(TOOLS.map((t) => toolCheck(t, options.envPath)))
  const virshOk = results[0]?.ok === true
  const uris = new Set(options.clusters.map((c) => c.libvirtUri ?? options.defaultUri ?? 'qemu:///system'))
  if (uris.size === 0) uris.add(options.defaultUri ?? process.env.LIBVIRT_DEFAULT_URI ?? 'qemu:///system')
  if (virshOk) results.push(...(await Promise.all([...uris].map((u) => libvirtCheck(u)))))
  const needsKvm = options.clusters.length === 0 || options.clusters.some((c) => c.enableKvm !== false)
  if (needsKvm) results.push(await kvmCheck(options.devKvm ?? '/dev/kvm'))
  return results
}
