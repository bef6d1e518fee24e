/**
 * `hpc start`'s resume: the nodes that `hpc stop` drained (recorded in the state entry) are
 * resumed, and only those still drained with ai-how's reason: a node a user drained by hand since
 * (another reason) stays drained, and so does any node ai-how did not drain.
 */
import {DRAIN_REASON, isDrain, SlurmController} from './controller.js'
import type {SlurmRunner} from './controller.js'

export interface ResumeReport {
  resumed: string[]
  /** Recorded nodes left as they are, and why. */
  left: {name: string; why: string}[]
}

export async function resumeNodes(run: SlurmRunner, controllerHost: string, recorded: readonly string[], signal?: AbortSignal): Promise<ResumeReport> {
  const slurm = new SlurmController(run, controllerHost, signal)
  const nodes = await slurm.nodes()
  const report: ResumeReport = {resumed: [], left: []}
  for (const name of recorded) {
    const node = nodes.get(name)
    if (node === undefined) report.left.push({name, why: 'not a Slurm node any more'})
    else if (!isDrain(node.state)) report.left.push({name, why: `not drained (${node.state})`})
    else if (node.reason !== DRAIN_REASON) report.left.push({name, why: `drained by someone else: ${node.reason}`})
    else report.resumed.push(name)
  }
  await slurm.update(report.resumed, 'resume')
  return report
}
