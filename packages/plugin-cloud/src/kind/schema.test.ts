import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {Ajv2020} from 'ajv/dist/2020.js'
import type {ErrorObject} from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import {parse} from 'yaml'
import {cloudClusterSchema} from './schema.js'

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default
const examples = path.resolve(import.meta.dirname, '../../../../examples')

const ajv = new Ajv2020({allErrors: true, strict: true})
addFormats(ajv)
ajv.addKeyword({keyword: 'aiHowPath', type: 'string', schemaType: 'boolean'})
ajv.addKeyword({keyword: 'aiHowHint', schemaType: 'string'})
const validateCloud = ajv.compile(cloudClusterSchema)

type Obj = Record<string, unknown>

function cloudSection(file: string): Obj {
  return (parse(readFileSync(path.join(examples, file), 'utf8')) as {clusters: {cloud: Obj}}).clusters.cloud
}

function errorsOf(section: unknown): ErrorObject[] {
  return validateCloud(section) ? [] : [...(validateCloud.errors ?? [])]
}

function assertError(section: unknown, instancePath: string, keyword: string): ErrorObject {
  const errors = errorsOf(section)
  const found = errors.find((e) => e.instancePath === instancePath && e.keyword === keyword)
  assert.ok(found, `expected ${keyword} at ${instancePath}, got ${JSON.stringify(errors.map((e) => [e.instancePath, e.keyword]))}`)
  return found
}

/** The object at `path` inside `root`, asserted to exist. */
function at(root: unknown, ...keys: (string | number)[]): Obj {
  let current = root
  for (const key of keys) current = (current as Record<string | number, unknown>)[key]
  assert.ok(typeof current === 'object' && current !== null, `no object at ${keys.join('.')}`)
  return current as Obj
}

function base(): {section: Obj; workers: Obj[]} {
  const section = structuredClone(cloudSection('cloud-small.yaml'))
  return {section, workers: section.worker_nodes as Obj[]}
}

void describe('cloud schema fragment', () => {
  void it('accepts the cloud section of every example', () => {
    for (const file of ['cloud-small.yaml', 'hpc-and-cloud.yaml']) assert.deepEqual(errorsOf(cloudSection(file)), [], file)
  })

  void it('rejects a bad control plane address and accepts DHCP workers', () => {
    const {section, workers} = base()
    at(workers, 0).ip = 'DHCP'
    assert.deepEqual(errorsOf(section), [])
    at(section, 'control_plane').ip_address = '10.0.0.01'
    assertError(section, '/control_plane/ip_address', 'format')
  })

  void it('reports a bad device inside a worker at that device field', () => {
    const {section, workers} = base()
    at(workers, 1, 'pcie_passthrough', 'devices', 1).pci_address = '0000:01:00.8'
    at(workers, 1, 'pcie_passthrough', 'devices', 0).device_type = 'graphics'
    assertError(section, '/worker_nodes/1/pcie_passthrough/devices/1/pci_address', 'pattern')
    assertError(section, '/worker_nodes/1/pcie_passthrough/devices/0/device_type', 'enum')
    assert.ok(errorsOf(section).every((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf'))
  })

  void it('rejects unknown keys, the old dict-of-worker-types form and a missing kubernetes_config', () => {
    const {section, workers} = base()
    at(workers, 0).worker_type = 'cpu'
    at(section, 'kubernetes_config').kube_version = '1.30.4'
    at(section, 'kubernetes_config').version = '1.30'
    assert.equal(assertError(section, '/worker_nodes/0', 'additionalProperties').params.additionalProperty, 'worker_type')
    assert.equal(assertError(section, '/kubernetes_config', 'additionalProperties').params.additionalProperty, 'kube_version')
    assertError(section, '/kubernetes_config/version', 'pattern')
    section.worker_nodes = {cpu: [], gpu: []}
    delete section.kubernetes_config
    assertError(section, '/worker_nodes', 'type')
    assertError(section, '', 'required')
  })

  void it('requires devices for an enabled passthrough and a valid bridge name', () => {
    const {section, workers} = base()
    delete at(workers, 1, 'pcie_passthrough').devices
    at(section, 'network').bridge = 'bridge name'
    assertError(section, '/worker_nodes/1/pcie_passthrough', 'required')
    assertError(section, '/network/bridge', 'pattern')
  })
})
