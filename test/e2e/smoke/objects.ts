// The libvirt objects of the guest-boot smoke test, written by hand (no ai-how code): a NAT
// network with one DHCP reservation, a dir pool, a qcow2 overlay on the cached base image, a
// NoCloud seed ISO and a TCG domain with direct kernel boot.
import {randomBytes} from 'node:crypto'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {run} from '../harness/exec.js'
import type {E2eHost, GuestImage} from '../harness/index.js'
import {virsh} from '../harness/index.js'

export interface SmokeGuest {
  name: string
  network: string
  bridge: string
  pool: string
  poolPath: string
  volume: string
  mac: string
  ip: string
  gateway: string
  seed: string
  consoleLog: string
}

const safe = /^[a-z0-9][a-z0-9-]{0,30}$/

/** Unique names, MAC and subnet for one run; WORKDIR (a temp folder) holds the seed and console log. */
export function planSmokeGuest(workDir: string): SmokeGuest {
  const id = randomBytes(3).toString('hex')
  const name = `aihow-smoke-${id}`
  if (!safe.test(name)) throw new Error(`bad test name ${name}`)
  const subnet = `10.231.${1 + (randomBytes(1).readUInt8(0) % 250)}`
  return {
    name, network: `${name}-network`, bridge: `aihs${id}`, pool: `${name}-pool`,
    poolPath: `/var/lib/libvirt/images/${name}`, volume: `${name}.qcow2`,
    mac: `52:54:00:${id.slice(0, 2)}:${id.slice(2, 4)}:${id.slice(4, 6)}`,
    ip: `${subnet}.10`, gateway: `${subnet}.1`,
    seed: path.join(workDir, `${name}-seed.iso`), consoleLog: path.join(workDir, `${name}-console.log`),
  }
}

function networkXml(g: SmokeGuest): string {
  const subnet = g.gateway.slice(0, g.gateway.lastIndexOf('.'))
  return `<network>
  <name>${g.network}</name>
  <forward mode='nat'/>
  <bridge name='${g.bridge}' stp='on' delay='0'/>
  <ip address='${g.gateway}' netmask='255.255.255.0'>
    <dhcp>
      <range start='${subnet}.100' end='${subnet}.200'/>
      <host mac='${g.mac}' name='${g.name}' ip='${g.ip}'/>
    </dhcp>
  </ip>
</network>`
}

function poolXml(g: SmokeGuest): string {
  return `<pool type='dir'><name>${g.pool}</name><target><path>${g.poolPath}</path></target></pool>`
}

function volumeXml(g: SmokeGuest, image: GuestImage): string {
  return `<volume>
  <name>${g.volume}</name>
  <capacity unit='G'>4</capacity>
  <target><format type='qcow2'/></target>
  <backingStore><path>${image.image}</path><format type='qcow2'/></backingStore>
</volume>`
}

function domainXml(g: SmokeGuest, image: GuestImage): string {
  return `<domain type='qemu'>
  <name>${g.name}</name>
  <memory unit='MiB'>768</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${image.kernel}</kernel>
    <initrd>${image.initrd}</initrd>
    <cmdline>${image.cmdline}</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='${g.pool}' volume='${g.volume}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='${g.seed}'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <interface type='network'>
      <source network='${g.network}'/>
      <mac address='${g.mac}'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'><log file='${g.consoleLog}' append='off'/><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
  </devices>
</domain>`
}

/** The NoCloud seed: hostname = the guest's name, the test key on the image's default user. */
async function writeSeed(g: SmokeGuest, publicKey: string, workDir: string): Promise<void> {
  const dir = path.join(workDir, 'seed')
  await mkdir(dir, {recursive: true})
  await writeFile(path.join(dir, 'meta-data'), `instance-id: ${g.name}\nlocal-hostname: ${g.name}\n`)
  await writeFile(path.join(dir, 'user-data'), `#cloud-config\nssh_authorized_keys:\n  - ${publicKey}\n`)
  await run('genisoimage', ['-quiet', '-output', g.seed, '-volid', 'cidata', '-joliet', '-rock',
    path.join(dir, 'user-data'), path.join(dir, 'meta-data')])
}

async function defineFrom(host: E2eHost, workDir: string, command: string, file: string, xml: string, extra: string[] = []): Promise<void> {
  const xmlPath = path.join(workDir, file)
  await writeFile(xmlPath, xml)
  await virsh(host, [command, ...extra, xmlPath])
}

/** Creates and starts everything; the domain is booting when this returns. */
export async function createSmokeGuest(host: E2eHost, image: GuestImage, g: SmokeGuest, publicKey: string, workDir: string): Promise<void> {
  await defineFrom(host, workDir, 'net-define', 'network.xml', networkXml(g))
  await virsh(host, ['net-start', g.network])
  await defineFrom(host, workDir, 'pool-define', 'pool.xml', poolXml(g))
  await virsh(host, ['pool-build', g.pool])
  await virsh(host, ['pool-start', g.pool])
  await defineFrom(host, workDir, 'vol-create', 'volume.xml', volumeXml(g, image), [g.pool])
  await writeSeed(g, publicKey, workDir)
  await defineFrom(host, workDir, 'define', 'domain.xml', domainXml(g, image))
  await virsh(host, ['start', g.name])
}

/** Removes everything in reverse order. STRICT: throw on the first failing step (else best effort). */
export async function destroySmokeGuest(host: E2eHost, g: SmokeGuest, strict: boolean): Promise<void> {
  const steps: string[][] = [
    ['destroy', g.name], ['undefine', g.name],
    ['vol-delete', '--pool', g.pool, g.volume],
    ['pool-destroy', g.pool], ['pool-delete', g.pool], ['pool-undefine', g.pool],
    ['net-destroy', g.network], ['net-undefine', g.network],
  ]
  for (const step of steps) {
    const res = await virsh(host, step, {reject: false})
    if (strict && res.exitCode !== 0) throw new Error(`virsh ${step.join(' ')}: ${res.stderr}`)
  }
}
