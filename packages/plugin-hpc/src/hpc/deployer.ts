/**
 * The hpc deploy step: `ansible-playbook -i INVENTORY <deploy.playbook>` (with deploy.extra_vars),
 * or, when the config names none, the Slurm playbook shipped with this package (playbooks-dir.ts)
 * with `ai_how_munge_key` = the cluster's munge key (munge-key.ts); output in `<output>/logs/<cluster>-deploy-<timestamp>.log`. A run in which a host of the
 * inventory (a node that runs) is missing from the recap, was unreachable or failed is a failure
 * even if ansible-playbook exited 0 (a play whose pattern matched no host, say).
 */
import path from 'node:path'
import type {ClusterContext, DeployProgress, DeployResult, Deployer} from '@ai-how/core'
import type {HpcClusterConfig} from '../kind/types.js'
import {runPlaybook} from '../vm/ansible.js'
import {fileStamp, logsDir} from '../vm/paths.js'
import {expectedHosts, recapProblems} from '../vm/recap.js'
import {builtinPlaybookPath} from '../playbooks-dir.js'
import {mungeKeyPath} from './munge-key.js'
import {hpcSection} from './spec.js'

export interface HpcDeployParams {
  section: HpcClusterConfig
  outputDir: string
  inventoryPath: string
  /** The inventory hosts that must appear in the recap. */
  hosts: readonly string[]
  signal?: AbortSignal
  onLine?: (line: string) => void
  now?: Date
}

export interface HpcDeployResult extends DeployResult {
  playbook?: string
  exitCode?: number
  recap?: string[]
  /** The playbook was the one shipped with ai-how (the config names none). */
  builtin: boolean
}

/** The playbook a deploy runs and its extra variables: the config's own, or the shipped Slurm playbook. */
export function deployPlan(section: HpcClusterConfig, outputDir: string): {playbook: string; builtin: boolean; extraVars?: Record<string, unknown>} {
  const own = section.deploy?.playbook
  const extra = section.deploy?.extra_vars
  if (own !== undefined) return {playbook: own, builtin: false, ...(extra === undefined ? {} : {extraVars: extra})}
  return {playbook: builtinPlaybookPath(), builtin: true, extraVars: {...extra, ai_how_munge_key: mungeKeyPath(outputDir, section.name)}}
}

export async function deployHpc(p: HpcDeployParams): Promise<HpcDeployResult> {
  const {playbook, builtin, extraVars} = deployPlan(p.section, p.outputDir)
  const logFile = path.join(logsDir(p.outputDir), `${p.section.name}-deploy-${fileStamp(p.now)}.log`)
  const result = await runPlaybook({
    playbook,
    inventory: p.inventoryPath,
    logFile,
    ...(extraVars === undefined ? {} : {extraVars}),
    ...(p.signal === undefined ? {} : {signal: p.signal}),
    ...(p.onLine === undefined ? {} : {onLine: p.onLine}),
  })
  const problems = result.ok ? recapProblems(result.recap, p.hosts) : []
  const ok = result.ok && problems.length === 0
  const name = path.basename(playbook)
  const summary = ok ? `${name} succeeded on ${p.hosts.length} node(s)` : result.ok ? `${name} exited 0 but did not deploy every node` : `${name} failed (exit ${result.exitCode})`
  const failure = [...result.failures, ...problems].join('\n  ')
  return {ok, logFile, summary, playbook, builtin, exitCode: result.exitCode, recap: result.recap, ...(failure === '' ? {} : {failure})}
}

export const hpcDeployer: Deployer = {
  async deploy(ctx: ClusterContext, inventoryPath: string, progress?: DeployProgress) {
    return deployHpc({
      section: hpcSection(ctx),
      outputDir: ctx.outputDir,
      inventoryPath,
      hosts: expectedHosts(ctx, progress),
      signal: progress?.signal ?? ctx.signal,
      ...(progress?.onLine === undefined ? {} : {onLine: (line: string) => progress.onLine?.(line)}),
    })
  },
}
