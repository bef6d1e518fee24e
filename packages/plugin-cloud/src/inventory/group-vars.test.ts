import assert from 'node:assert/strict'
import {readFileSync, statSync, writeFileSync, mkdirSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parse} from 'yaml'
import {buildCloudInventory} from './cloud-inventory.js'
import {cloudGroupVars, cloudGroupVarsYaml, kubesprayVersion, renderGroupVars} from './group-vars.js'
import {access, available, example, listFile, tempDir} from './test-support.js'
import {writeCloudInventory} from './write.js'

const haveAnsible = await available('ansible-inventory', ['--version'])

void describe('Kubespray group vars (group_vars/k8s_cluster.yml)', () => {
  void it('maps kubernetes_config of cloud-small to Kubespray variables', async () => {
    const {section} = await example()
    assert.deepEqual(cloudGroupVars(section), {
      ai_how_cluster_name: 'cloud-cluster',
      kube_network_plugin: 'calico',
      ai_how_ingress: 'nginx',
      ingress_nginx_enabled: true,
      ai_how_storage_class: 'local-path',
      local_path_provisioner_enabled: true,
      local_path_provisioner_storage_class: 'local-path',
    })
    assert.equal(
      cloudGroupVarsYaml(section),
      [
        '---',
        '# Kubespray settings of cloud cluster cloud-cluster, written by ai-how from kubernetes_config: edits are overwritten.',
        'ai_how_cluster_name: cloud-cluster',
        'kube_network_plugin: calico',
        'ai_how_ingress: nginx',
        'ingress_nginx_enabled: true',
        'ai_how_storage_class: local-path',
        'local_path_provisioner_enabled: true',
        'local_path_provisioner_storage_class: local-path',
        '',
      ].join('\n'),
    )
  })

  void it('names another ingress and storage class without enabling the nginx / local-path addons', async () => {
    const {section} = await example((s) => {
      s.kubernetes_config.cni = 'cilium'
      s.kubernetes_config.ingress = 'traefik'
      s.kubernetes_config.storage_class = 'longhorn'
    })
    assert.deepEqual(cloudGroupVars(section), {ai_how_cluster_name: 'cloud-cluster', kube_network_plugin: 'cilium', ai_how_ingress: 'traefik', ai_how_storage_class: 'longhorn'})
  })

  void it('writes kube_version without the leading v (Kubespray >= 2.28) and refuses a partial version', async () => {
    for (const given of ['1.30.4', 'v1.30.4']) {
      const {section} = await example((s) => {
        ;(s.kubernetes_config as {version?: string}).version = given
      })
      assert.equal(cloudGroupVars(section).kube_version, '1.30.4')
      assert.match(cloudGroupVarsYaml(section), /^kube_version: "1\.30\.4"$/m)
    }
    assert.throws(() => kubesprayVersion('1.30'), /kubernetes_config\.version "1\.30" is not a Kubernetes release such as 1\.30\.4/)
    assert.throws(() => kubesprayVersion('latest'), (e: unknown) => (e as {code?: string}).code === 'KUBERNETES_VERSION_INVALID')
  })

  void it('quotes YAML 1.1 words and odd strings, and reads back as written', () => {
    const vars = {a: 'yes', b: 'on', c: '1.30.4', d: 'with space', e: "it's", f: true, g: 3, h: null, i: ['x', 'no'], j: {'k/l': 'true'}}
    const text = renderGroupVars(vars)
    assert.deepEqual(parse(text, {version: '1.1'}), vars)
    assert.throws(() => renderGroupVars({'bad-name': 1}), /invalid Ansible variable name/)
    assert.throws(() => renderGroupVars({a: 'x\ny'}), /control character/)
  })

  void it('is read by ansible-inventory from group_vars/ next to the inventory file', {skip: haveAnsible ? false : 'ansible-inventory is not on PATH (CI has it)'}, async () => {
    const ex = await example((s) => {
      ;(s.kubernetes_config as {version?: string}).version = 'v1.30.4'
    })
    const dir = tempDir('aihow-groupvars-')
    for (const format of ['ini', 'yaml'] as const) {
      const written = await writeCloudInventory(path.join(dir, format), buildCloudInventory(ex.cluster, ex.section, access), cloudGroupVars(ex.section), format)
      const listed = await listFile(written.inventoryPath)
      for (const host of ['cloud-cluster-control-plane', 'cloud-cluster-cpu-worker-01']) {
        const vars = listed._meta.hostvars[host]
        assert.equal(vars?.kube_network_plugin, 'calico', `${format} ${host}`)
        assert.equal(vars.kube_version, '1.30.4')
        assert.equal(vars.ingress_nginx_enabled, true)
        assert.equal(vars.local_path_provisioner_enabled, true)
        assert.equal(vars.local_path_provisioner_storage_class, 'local-path')
        assert.equal(vars.ai_how_cluster_name, 'cloud-cluster')
      }
    }
  })

  void it('writes both files 0600 and undoes to what was there before', async () => {
    const ex = await example()
    const inv = buildCloudInventory(ex.cluster, ex.section, access)
    const vars = cloudGroupVars(ex.section)
    // A fresh folder: the undo removes the files and the folders it created.
    const fresh = path.join(tempDir('aihow-write-'), 'out', 'cloud')
    const first = await writeCloudInventory(fresh, inv, vars, 'ini')
    assert.equal(first.inventoryPath, path.join(fresh, 'inventory.ini'))
    assert.equal(first.groupVarsPath, path.join(fresh, 'group_vars', 'k8s_cluster.yml'))
    for (const file of [first.inventoryPath, first.groupVarsPath]) assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.match(readFileSync(first.inventoryPath, 'utf8'), /^\[kube_control_plane\]$/m)
    await first.undo.run()
    assert.throws(() => statSync(path.dirname(fresh)), /ENOENT/)
    // Existing files: the undo restores their content and mode.
    const dir = tempDir('aihow-write-')
    mkdirSync(path.join(dir, 'group_vars'))
    writeFileSync(path.join(dir, 'inventory.yml'), 'old inventory\n', {mode: 0o644})
    writeFileSync(path.join(dir, 'group_vars', 'k8s_cluster.yml'), 'old: vars\n', {mode: 0o640})
    const second = await writeCloudInventory(dir, inv, vars, 'yaml')
    assert.match(readFileSync(second.inventoryPath, 'utf8'), /kube_control_plane:/)
    assert.equal(statSync(second.inventoryPath).mode & 0o777, 0o600)
    assert.equal(readFileSync(second.groupVarsPath, 'utf8'), renderGroupVars(vars))
    await second.undo.run()
    assert.equal(readFileSync(second.inventoryPath, 'utf8'), 'old inventory\n')
    assert.equal(statSync(second.inventoryPath).mode & 0o777, 0o644)
    assert.equal(readFileSync(second.groupVarsPath, 'utf8'), 'old: vars\n')
    assert.equal(statSync(second.groupVarsPath).mode & 0o777, 0o640)
  })

  void it('touches nothing when a value cannot be written', async () => {
    const ex = await example()
    const dir = path.join(tempDir('aihow-write-'), 'never')
    await assert.rejects(writeCloudInventory(dir, buildCloudInventory(ex.cluster, ex.section, access), {ok: 'a\rb'}, 'ini'), /control character \(U\+000D\)/)
    assert.throws(() => statSync(dir), /ENOENT/)
  })
})
