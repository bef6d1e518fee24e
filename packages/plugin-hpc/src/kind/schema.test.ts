import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {Ajv2020} from 'ajv/dist/2020.js'
import type {ErrorObject} from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import {parse} from 'yaml'
import {hpcClusterSchema} from './schema/hpc.js'

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default
const examples = path.resolve(import.meta.dirname, '../../../../examples')

function compile(schema: Record<string, unknown>) {
  const ajv = new Ajv2020({allErrors: true, strict: true})
  addFormats(ajv)
  ajv.addKeyword({keyword: 'aiHowPath', type: 'string', schemaType: 'boolean'})
  ajv.addKeyword({keyword: 'aiHowHint', schemaType: 'string'})
  return ajv.compile(schema)
}

const validateHpc = compile(hpcClusterSchema)

function hpcSection(file: string): Record<string, unknown> {
  const doc = parse(readFileSync(path.join(examples, file), 'utf8')) as {clusters: {hpc: Record<string, unknown>}}
  return doc.clusters.hpc
}

function errorsOf(section: unknown): ErrorObject[] {
  return validateHpc(section) ? [] : [...(validateHpc.errors ?? [])]
}

function assertError(section: unknown, instancePath: string, keyword: string): ErrorObject {
  const errors = errorsOf(section)
  const found = errors.find((e) => e.instancePath === instancePath && e.keyword === keyword)
  assert.ok(found, `expected ${keyword} at ${instancePath}, got ${JSON.stringify(errors.map((e) => [e.instancePath, e.keyword]))}`)
  return found
}

type Obj = Record<string, unknown>

/** A valid section (hpc-small: compute node 1 has the GPU) to break one field at a time. */
function base(): {section: Obj; nodes: Obj[]} {
  const section = structuredClone(hpcSection('hpc-small.yaml'))
  const nodes = section.compute_nodes as Obj[]
  return {section, nodes}
}

/** The object at `path` inside `root`, asserted to exist. */
function at(root: unknown, ...keys: (string | number)[]): Obj {
  let current = root
  for (const key of keys) current = (current as Record<string | number, unknown>)[key]
  assert.ok(typeof current === 'object' && current !== null, `no object at ${keys.join('.')}`)
  return current as Obj
}

void describe('hpc schema fragment', () => {
  void it('accepts the hpc section of every example', () => {
    for (const file of ['hpc-small.yaml', 'hpc-and-cloud.yaml']) assert.deepEqual(errorsOf(hpcSection(file)), [], file)
  })

  void it('rejects a malformed IPv4 address (format is enforced)', () => {
    const {section, nodes} = base()
    at(section, 'controller').ip_address = '192.168.100.256'
    at(nodes, 0).ip = 'not-an-ip'
    assertError(section, '/controller/ip_address', 'format')
    assertError(section, '/compute_nodes/0/ip', 'format')
  })

  void it('accepts ip: DHCP on list items only', () => {
    const {section, nodes} = base()
    at(nodes, 0).ip = 'DHCP'
    assert.deepEqual(errorsOf(section), [])
    at(section, 'controller').ip_address = 'DHCP'
    assertError(section, '/controller/ip_address', 'format')
  })

  void it('rejects unknown keys in the cluster, a node and the network, naming the key', () => {
    const {section, nodes} = base()
    section.bogus = 1
    at(nodes, 1).gpus = 2
    at(section, 'network').dns_mode = 'isolated'
    assert.equal(assertError(section, '', 'additionalProperties').params.additionalProperty, 'bogus')
    assert.equal(assertError(section, '/compute_nodes/1', 'additionalProperties').params.additionalProperty, 'gpus')
    assert.equal(assertError(section, '/network', 'additionalProperties').params.additionalProperty, 'dns_mode')
  })

  void it('rejects PCI function 8 at the device field', () => {
    const {section, nodes} = base()
    at(nodes, 1, 'pcie_passthrough', 'devices', 0).pci_address = '0000:01:00.8'
    assertError(section, '/compute_nodes/1/pcie_passthrough/devices/0/pci_address', 'pattern')
  })

  void it('requires at least one device when passthrough is enabled', () => {
    const {section, nodes} = base()
    const passthrough = at(nodes, 1, 'pcie_passthrough')
    delete passthrough.devices
    assertError(section, '/compute_nodes/1/pcie_passthrough', 'required')
    passthrough.devices = []
    assertError(section, '/compute_nodes/1/pcie_passthrough/devices', 'minItems')
    passthrough.enabled = false
    assert.deepEqual(errorsOf(section), [])
  })

  void it('rejects a bridge that is not a Linux interface name', () => {
    for (const bridge of ['virbr-too-long-name', 'vir br0', 'br/0', '']) {
      const {section} = base()
      at(section, 'network').bridge = bridge
      assertError(section, '/network/bridge', 'pattern')
    }
  })

  void it('rejects a subnet with out-of-range octets or prefix', () => {
    for (const subnet of ['999.1.1.1/99', '192.168.1.0/33', '192.168.1.0', '192.168.1/24', '10.0.0.0/31']) {
      const {section} = base()
      at(section, 'network').subnet = subnet
      assertError(section, '/network/subnet', 'pattern')
    }
  })

  void it('reports an error inside one list item at that item and field', () => {
    const {section, nodes} = base()
    delete at(nodes, 1).ip
    at(nodes, 0).auto_start = 'yes'
    assertError(section, '/compute_nodes/1', 'required')
    assertError(section, '/compute_nodes/0/auto_start', 'type')
    assert.ok(errorsOf(section).every((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf'))
  })

  void it('rejects the unsupported count form of compute_nodes', () => {
    const {section} = base()
    section.compute_nodes = {count: 2, cpu_cores: 2, memory_gb: 4, disk_gb: 20, ip: 'DHCP'}
    assertError(section, '/compute_nodes', 'type')
  })

  void it('accepts only valid libvirt CPU modes, and custom only with a model name', () => {
    const {section} = base()
    section.hardware = {acceleration: {cpu_model: 'host'}}
    assertError(section, '/hardware/acceleration/cpu_model', 'enum')
    section.hardware = {acceleration: {cpu_model: 'custom'}}
    assertError(section, '/hardware/acceleration', 'required')
    section.hardware = {acceleration: {cpu_model: 'custom', cpu_model_name: 'Skylake-Server', cpu_topology: {sockets: 1, cores: 4}}}
    assertError(section, '/hardware/acceleration/cpu_topology', 'required')
  })

  void it('needs a kernel for initrd or cmdline, and a cluster name safe in libvirt names', () => {
    const {section, nodes} = base()
    at(nodes, 0).initrd = 'boot/initrd.img'
    section.name = 'HPC cluster'
    assertError(section, '/compute_nodes/0', 'dependentRequired')
    assertError(section, '/name', 'pattern')
  })

  void it('describes every property and uses no oneOf/anyOf', () => {
    const missing: string[] = []
    const walk = (schema: unknown, at: string): void => {
      if (Array.isArray(schema)) schema.forEach((s, i) => { walk(s, `${at}/${i}`) })
      if (typeof schema !== 'object' || schema === null) return
      const s = schema as Record<string, unknown>
      assert.ok(!('oneOf' in s) && !('anyOf' in s), `oneOf/anyOf at ${at}`)
      const inBranch = /\/(if|then|else)(\/|$)/.test(at)
      for (const [name, prop] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (!inBranch && typeof prop.description !== 'string') missing.push(`${at}/${name}`)
      }
      for (const [key, value] of Object.entries(s)) walk(value, `${at}/${key}`)
    }
    walk(hpcClusterSchema, '')
    assert.deepEqual(missing, [])
  })
})
