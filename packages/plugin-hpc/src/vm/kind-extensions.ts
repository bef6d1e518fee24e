/**
 * What a kind's manager adds through core's extension points: the deploy step calls the Deployer
 * that core resolved (a third-party `ai-how:deployer` hook may replace the kind's own) with a way to
 * report progress into the task list, and the health step calls the resolved HealthChecker.
 */
import {AiHowError, PluginContractError} from '@ai-how/core'
import type {DeployResult, HealthReport, StepContext} from '@ai-how/core'
import type {KindExtensions} from './types.js'

/**
 * Runs the resolved deployer against `inventoryPath`, its lines shown under the running step;
 * `hosts` (the inventory's hosts, i.e. the nodes that run) must all appear in its recap.
 */
export async function runDeployer(ext: KindExtensions | undefined, kind: string, inventoryPath: string, step: StepContext, hosts: readonly string[]): Promise<DeployResult> {
  if (ext?.deployer === undefined) {
    throw new PluginContractError(`no plugin provides the deployer of cluster kind "${kind}"`, {
      code: 'PLUGIN_MISSING_EXTENSION',
      actions: [`Start with --skip-deploy, or install a plugin that deploys ${kind} clusters.`],
    })
  }
  return ext.deployer.deploy(ext.ctx, inventoryPath, {
    signal: step.signal,
    hosts,
    onLine: (line) => {
      if (line.trim() !== '') step.setOutput(line)
    },
  })
}

/** The resolved health checker's report, or undefined when the kind has none. */
export async function runHealthCheck(ext: KindExtensions | undefined, options: {deadlineMs?: number; signal?: AbortSignal}): Promise<HealthReport | undefined> {
  if (ext?.healthChecker === undefined) return undefined
  return ext.healthChecker.check(ext.ctx, options)
}

/** A failed deploy: what failed (task and host when the deployer knows them), the log, and what to do next with the kind's own command. */
export function deployFailedError(kind: string, result: DeployResult): AiHowError {
  const recap = result.recap?.length ? `\n  ${result.recap.join('\n  ')}` : ''
  const failure = result.failure === undefined ? '' : `\n  ${result.failure}`
  return new AiHowError(`the deploy failed: ${result.summary}${failure}${recap}`, {
    code: 'DEPLOY_FAILED',
    actions: [
      `Read the deploy output in ${result.logFile ?? 'the deploy log'}.`,
      `To keep the VMs while you fix it: ai-how ${kind} start CONFIG --keep-on-failure, or --skip-deploy and run the playbook yourself against the inventory.`,
    ],
    details: {logFile: result.logFile, exitCode: result.exitCode, recap: result.recap, failure: result.failure},
  })
}
