/**
 * Which playbook deploys a cloud cluster, checked before anything is created: the config's
 * kubernetes_config.playbook, or the shipped deploy-cloud-cluster.yml (in this package's
 * `playbooks/`) that imports Kubespray's cluster.yml from kubernetes_config.kubespray_path.
 */
import {statSync} from 'node:fs'
import path from 'node:path'
import {ConfigError} from '@ai-how/core'
import type {LoadedConfig, YamlPath} from '@ai-how/core'
import type {CloudClusterConfig} from '../kind/types.js'

export const SHIPPED_PLAYBOOK = path.resolve(import.meta.dirname, '..', '..', 'playbooks', 'deploy-cloud-cluster.yml')

export interface DeploySource {
  playbook: string
  extraVars?: Record<string, unknown>
  /** Where ansible-playbook runs and which ansible.cfg it reads (Kubespray's own: its roles_path and library). */
  cwd?: string
  env?: Record<string, string>
}

const isFile = (p: string): boolean => statSync(p, {throwIfNoEntry: false})?.isFile() === true

function at(loaded: Pick<LoadedConfig, 'file' | 'locator'>, field: YamlPath): string {
  const {line, column} = loaded.locator.locate(field)
  return `${loaded.file}:${line}:${column}`
}

/** The playbook and its extra vars; throws a ConfigError (exit 2) naming the field when it cannot run. */
export function deploySource(section: CloudClusterConfig, loaded: Pick<LoadedConfig, 'file' | 'locator'>): DeploySource {
  const k8s = section.kubernetes_config
  const base: YamlPath = ['clusters', 'cloud', 'kubernetes_config']
  if (k8s.playbook !== undefined) {
    if (!isFile(k8s.playbook)) {
      throw new ConfigError(`${at(loaded, [...base, 'playbook'])}: kubernetes_config.playbook ${k8s.playbook} does not exist`, {
        code: 'DEPLOY_PLAYBOOK_MISSING',
        actions: ['Fix the path (relative paths are relative to the config file), remove the field to deploy with Kubespray, or start with --skip-deploy.'],
      })
    }
    return {playbook: k8s.playbook}
  }
  const kubespray = k8s.kubespray_path
  const fix = [
    'Get Kubespray (git clone https://github.com/kubernetes-sigs/kubespray; pip install -r kubespray/requirements.txt on the machine that runs ai-how), then set kubernetes_config.kubespray_path to that folder (relative to the config file).',
    'Or name your own deploy playbook in kubernetes_config.playbook, or start with --skip-deploy.',
  ]
  if (kubespray === undefined) {
    throw new ConfigError(`${at(loaded, base)}: kubernetes_config.kubespray_path is not set: the cloud kind deploys Kubernetes with Kubespray`, {code: 'KUBESPRAY_MISSING', actions: fix})
  }
  if (!isFile(path.join(kubespray, 'cluster.yml'))) {
    throw new ConfigError(`${at(loaded, [...base, 'kubespray_path'])}: ${kubespray} is not a Kubespray checkout (no cluster.yml in it)`, {code: 'KUBESPRAY_MISSING', actions: fix})
  }
  const config = path.join(kubespray, 'ansible.cfg')
  return {playbook: SHIPPED_PLAYBOOK, extraVars: {kubespray_path: kubespray}, cwd: kubespray, ...(isFile(config) ? {env: {ANSIBLE_CONFIG: config}} : {})}
}
