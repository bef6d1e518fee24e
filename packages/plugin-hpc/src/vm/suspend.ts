/**
 * `stop --suspend`: each running VM's memory is written out with libvirt's managed save (in
 * parallel), and the next `start` restores it. A VM with a host device passed through (a GPU)
 * cannot be saved: it is left out here, shut down as usual by the caller, and named in a warning;
 * so is a VM whose save failed.
 */
import type {Logger, Undo} from '@ai-how/core'
import type {DomainDetails, Hypervisor} from '../hypervisor/types.js'
import {errorLine} from './error-line.js'
import {child, children, parseXml} from '../hypervisor/xml.js'
import type {NodeStop} from './power.js'

/** Whether a domain's XML passes a host device through (`<hostdev>`): such a domain cannot be saved. */
export function hasPassthrough(xml: string): boolean {
  try {
    return children(child(parseXml(xml, 'domain'), 'devices'), 'hostdev').length > 0
  } catch {
    return xml.includes('<hostdev')
  }
}

export interface SuspendReport {
  /** Saved nodes, method `suspended`. */
  nodes: NodeStop[]
  /** Domains that were not saved and must be shut down instead, each with the warning that says why. */
  unsaved: {domain: DomainDetails; warning: string}[]
}

export async function suspendAll(hv: Hypervisor, active: readonly DomainDetails[], onProgress?: (line: string) => void): Promise<SuspendReport> {
  const report: SuspendReport = {nodes: [], unsaved: []}
  const saveable = active.filter((d) => {
    if (!hasPassthrough(d.xml)) return true
    report.unsaved.push({domain: d, warning: `${d.name} has a host device passed through (a GPU) and cannot be saved: it is shut down instead`})
    return false
  })
  const started = Date.now()
  onProgress?.(`saving the memory of ${saveable.length} VM(s)`)
  await Promise.all(saveable.map(async (d) => {
    try {
      await hv.managedSaveDomain(d.name)
      report.nodes.push({name: d.name, method: 'suspended', seconds: Math.round((Date.now() - started) / 100) / 10, tried: ['managedsave: memory saved']})
    } catch (error) {
      report.unsaved.push({domain: d, warning: `${d.name} could not be saved (${errorLine(error)}): it is shut down instead`})
    }
  }))
  return report
}

/**
 * The undo of a start that restored `name` from its managed save: a rollback saves its memory
 * again (so the next start resumes it) before `powerOff` (the undo of a plain start, which then has
 * nothing left to power off). Either way a warning names the VM; when the new save fails, the VM is
 * powered off and the warning says that its memory is lost.
 */
export function saveAgainOnUndo(hv: Hypervisor, log: Logger, name: string, powerOff: Undo): Undo {
  return {
    title: `restore of ${name} (its memory saved again)`,
    run: async () => {
      try {
        await hv.managedSaveDomain(name)
        log.warn(`${name} was restored from its saved memory by this start, which failed: its memory is saved again (the next start resumes it)`)
      } catch (error) {
        log.warn(`${name} was restored from its saved memory by this start, which failed, and could not be saved again (${errorLine(error)}): it is powered off and that memory is lost`)
      }
      await powerOff.run()
    },
  }
}
