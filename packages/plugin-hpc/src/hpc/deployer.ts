/**
 * The hpc deploy step: `ansible-playbook -i INVENTORY <deploy.playbook>` (with deploy.extra_vars),
 * output in `<output>/logs/<cluster>-deploy-<timestamp>.log`.
 */
import path from 'node:path'
import type {ClusterContext, DeployProgress, DeployResult, Deployer} from '@ai-how/core'
import type {HpcClusterConfig} from '../kind/types.js'
import {runPlaybook} from '../vm/ansible.js'
import {fileStamp, logsDir} from '../vm/paths.js'
import {hpcSection} from './spec.js'

export interface HpcDeployParams {
  section: HpcClusterConfig
  outputDir: string
  inventoryPath: string
  signal?: AbortSignal
  onLine?: (line: string) => void
  now?: Date
}

export interface HpcDeployResult extends DeployResult {
  playbook?: string
  exitCode?: number
  recap?: string[]
}

export async function deployHpc(p: HpcDeployParams): Promise<HpcDeployResult> {
  const playbook = p.section.deploy?.playbook
  if (playbook === undefined) return {ok: true, summary: 'no deploy.playbook in the config: nothing to deploy'}
  const logFile = path.join(logsDir(p.outputDir), `${p.section.name}-deploy-${fileStamp(p.now)}.log`)
  const result = await runPlaybook({
    playbook,
    inventory: p.inventoryPath,
    logFile,
    ...(p.section.deploy?.extra_vars === undefined ? {} : {extraVars: p.section.deploy.extra_vars}),
    ...(p.signal === undefined ? {} : {signal: p.signal}),
    ...(p.onLine === undefined ? {} : {onLine: p.onLine}),
  })
  const summary = result.ok ? `${path.basename(playbook)} succeeded` : `${path.basename(playbook)} failed (exit ${result.exitCode})`
  return {ok: result.ok, logFile, summary, playbook, exitCode: result.exitCode, recap: result.recap, ...(result.failures.length === 0 ? {} : {failure: result.failures.join('\n  ')})}
}

export const hpcDeployer: Deployer = {
  async deploy(ctx: ClusterContext, inventoryPath: string, progress?: DeployProgress) {
    return deployHpc({
      section: hpcSection(ctx),
      outputDir: ctx.outputDir,
      inventoryPath,
      signal: progress?.signal ?? ctx.signal,
      ...(progress?.onLine === undefined ? {} : {onLine: (line: string) => progress.onLine?.(line)}),
    })
  },
}
