/**
 * Which playbook deploys a cloud cluster, checked before anything is created: no Kubespray, a
 * folder that is not Kubespray, or a missing kubernetes_config.playbook is a configuration error
 * (exit 2) naming the field's file:line and what to install; the shipped playbook runs Kubespray's
 * cluster.yml; the provisioner refuses before it builds anything.
 */
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {parse} from 'yaml'
import type {AiHowError, ClusterContext, LoadedConfig, YamlPath} from '@ai-how/core'
import type {CloudClusterConfig} from '../kind/types.js'
import {SHIPPED_PLAYBOOK, deploySource} from './deploy-source.js'
import {createCloudProvisioner} from './provisioner.js'
import {cloudSection} from './testing/cloud-fixture.js'

const CONFIG = '/home/u/clusters/cloud.yaml'

/** A locator that answers a fixed position and records the paths it was asked for. */
function located(asked: YamlPath[]): Pick<LoadedConfig, 'file' | 'locator'> {
  return {file: CONFIG, locator: {file: CONFIG, locate: (p) => { asked.push(p); return {line: 42, column: 7} }}}
}

function section(k8s: Partial<CloudClusterConfig['kubernetes_config']>): CloudClusterConfig {
  const s = cloudSection('/images/base.qcow2')
  return {...s, kubernetes_config: {...s.kubernetes_config, ...k8s}}
}

/** The error deploySource throws, checked to be a ConfigError (exit 2) with `code`. */
function refusal(s: CloudClusterConfig, code: string, asked: YamlPath[] = []): AiHowError {
  let caught: unknown
  assert.throws(() => deploySource(s, located(asked)), (e: unknown) => {
    caught = e
    return true
  })
  const e = caught as AiHowError
  assert.equal(e.name, 'ConfigError')
  assert.equal(e.exitCode, 2)
  assert.equal(e.code, code)
  assert.ok(e.message.startsWith(`${CONFIG}:42:7: `), e.message)
  return e
}

void describe('deploySource', () => {
  let dir = ''
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-deploy-source-'))
  })
  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  void it('refuses without kubernetes_config.kubespray_path, saying how to get Kubespray', () => {
    const asked: YamlPath[] = []
    const e = refusal(section({}), 'KUBESPRAY_MISSING', asked)
    assert.match(e.message, /kubernetes_config\.kubespray_path is not set/)
    assert.deepEqual(asked, [['clusters', 'cloud', 'kubernetes_config']])
    assert.ok(e.actions.some((a) => a.includes('git clone https://github.com/kubernetes-sigs/kubespray') && a.includes('kubespray_path')), e.actions.join('\n'))
    assert.ok(e.actions.some((a) => a.includes('--skip-deploy')))
  })

  void it('refuses a kubespray_path without cluster.yml, naming the folder', () => {
    const asked: YamlPath[] = []
    const e = refusal(section({kubespray_path: dir}), 'KUBESPRAY_MISSING', asked)
    assert.ok(e.message.includes(`${dir} is not a Kubespray checkout (no cluster.yml in it)`), e.message)
    assert.deepEqual(asked, [['clusters', 'cloud', 'kubernetes_config', 'kubespray_path']])
    assert.ok(e.actions.some((a) => a.includes('pip install -r kubespray/requirements.txt')), e.actions.join('\n'))
  })

  void it('refuses a kubernetes_config.playbook that does not exist, naming it', () => {
    const missing = path.join(dir, 'site.yml')
    const asked: YamlPath[] = []
    const e = refusal(section({kubespray_path: dir, playbook: missing}), 'DEPLOY_PLAYBOOK_MISSING', asked)
    assert.ok(e.message.includes(`kubernetes_config.playbook ${missing} does not exist`), e.message)
    assert.deepEqual(asked, [['clusters', 'cloud', 'kubernetes_config', 'playbook']])
  })

  void it('runs the shipped playbook with kubespray_path for a Kubespray checkout, or the config\'s own playbook', async () => {
    await writeFile(path.join(dir, 'cluster.yml'), '- hosts: all\n')
    const kubespray = deploySource(section({kubespray_path: dir}), located([]))
    assert.deepEqual([kubespray.playbook, kubespray.extraVars], [SHIPPED_PLAYBOOK, {kubespray_path: dir}])
    const own = path.join(dir, 'mine.yml')
    await writeFile(own, '- hosts: all\n')
    const mine = deploySource(section({playbook: own}), located([]))
    assert.deepEqual([mine.playbook, mine.extraVars], [own, undefined])
  })

  void it('ships deploy-cloud-cluster.yml, which imports {{ kubespray_path }}/cluster.yml', async () => {
    assert.equal(SHIPPED_PLAYBOOK, path.resolve(import.meta.dirname, '../../playbooks/deploy-cloud-cluster.yml'))
    const plays = parse(await readFile(SHIPPED_PLAYBOOK, 'utf8')) as Record<string, unknown>[]
    assert.deepEqual(plays.map((p) => p['ansible.builtin.import_playbook']), ['{{ kubespray_path }}/cluster.yml'])
  })

  void it('cloud start refuses before it touches anything (no hypervisor is even built)', async () => {
    let built = 0
    const provisioner = createCloudProvisioner(() => {
      built += 1
      throw new Error('the deps of the hypervisor were built')
    })
    const ctx = {kind: 'cloud', section: section({}), loaded: located([]), options: {}} as unknown as ClusterContext
    await assert.rejects(provisioner.start(ctx), (e: AiHowError) => e.code === 'KUBESPRAY_MISSING' && e.exitCode === 2)
    assert.equal(built, 0)
  })
})
