/**
 * The cloud kind's Deployer (resolved by core; an `ai-how:deployer` hook may replace it): runs the
 * deploy playbook (Kubespray's cluster.yml through the shipped deploy-cloud-cluster.yml, or the
 * config's kubernetes_config.playbook) against the Kubespray inventory. Output in a 0600 log under
 * `<output>/logs/<cluster>/`; a run in which a host of the inventory (a node that runs: the
 * manager's `progress.hosts`) is missing from the recap, was unreachable or failed is a failure
 * even if ansible-playbook exited 0.
 */
import path from 'node:path'
import type {ClusterContext, DeployProgress, DeployResult, Deployer} from '@ai-how/core'
import {expectedHosts, fileStamp, recapProblems, runPlaybook} from '@ai-how/plugin-hpc'
import {deploySource} from './deploy-source.js'
import {cloudLogsDir} from './paths.js'
import {cloudSection} from './spec.js'

export async function deployCloud(ctx: ClusterContext, inventoryPath: string, progress?: DeployProgress, now?: Date): Promise<DeployResult> {
  const section = cloudSection(ctx)
  const source = deploySource(section, ctx.loaded)
  const logFile = path.join(cloudLogsDir(ctx.outputDir, section.name), `deploy-${fileStamp(now)}.log`)
  const signal = progress?.signal ?? ctx.signal
  const result = await runPlaybook({
    playbook: source.playbook,
    inventory: inventoryPath,
    logFile,
    signal,
    ...(source.extraVars === undefined ? {} : {extraVars: source.extraVars}),
    ...(source.cwd === undefined ? {} : {cwd: source.cwd}),
    ...(source.env === undefined ? {} : {env: source.env}),
    ...(progress?.onLine === undefined ? {} : {onLine: (line: string) => progress.onLine?.(line)}),
  })
  const started = expectedHosts(ctx, progress)
  const problems = result.ok ? recapProblems(result.recap, started) : []
  const ok = result.ok && problems.length === 0
  const name = path.basename(source.playbook)
  const summary = ok ? `${name} succeeded on ${started.length} node(s)` : result.ok ? `${name} exited 0 but did not deploy every node` : `${name} failed (exit ${result.exitCode})`
  const failure = [...result.failures, ...problems].join('\n  ')
  return {ok, logFile, summary, playbook: source.playbook, exitCode: result.exitCode, recap: result.recap, ...(failure === '' ? {} : {failure})}
}

export const cloudDeployer: Deployer = {
  deploy: (ctx, inventoryPath, progress) => deployCloud(ctx, inventoryPath, progress),
}
