/**
 * Asking libvirt whether a VM is alive: `virsh -q -c URI domstate NAME` (execa, argument array).
 * The ledger gets this as a function so that tests can pass a fake.
 */
import {HypervisorError} from '@ai-how/core'

/** The domain's state as virsh prints it ('running', 'shut off', ...), or undefined when it does not exist. */
export type DomainStateQuery = (uri: string, vmName: string) => Promise<string | undefined>

/** States in which a domain keeps its devices assigned. */
const HOLDING_STATES = new Set(['running', 'blocked', 'paused', 'in shutdown', 'pmsuspended'])

export function holdsDevices(state: string | undefined): boolean {
  return state !== undefined && HOLDING_STATES.has(state)
}

const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/
const TIMEOUT_MS = 30_000

export const virshDomainState: DomainStateQuery = async (uri, vmName) => {
  if (!VM_NAME.test(vmName)) throw new TypeError(`refusing to ask libvirt about a malformed VM name: ${JSON.stringify(vmName)}`)
  const args = ['-q', '-c', uri, 'domstate', vmName]
  let result
  try {
    const {execa} = await import('execa')
    result = await execa('virsh', args, {env: {LC_ALL: 'C'}, timeout: TIMEOUT_MS, reject: false})
  } catch (error) {
    throw virshFailed(uri, vmName, error instanceof Error ? error.message : String(error))
  }
  if (result.exitCode === 0) return result.stdout.trim().split('\n')[0]?.trim()
  const stderr = result.stderr.trim()
  if (/failed to get domain|domain not found|no domain with matching name/i.test(stderr)) return undefined
  throw virshFailed(uri, vmName, stderr !== '' ? stderr : (result.shortMessage ?? `virsh exited with ${String(result.exitCode)}`))
}

function virshFailed(uri: string, vmName: string, reason: string): HypervisorError {
  return new HypervisorError(`cannot ask libvirt (${uri}) whether ${vmName} is running: ${reason}`, {
    code: 'GPU_HOLDER_UNKNOWN',
    actions: [`Check that libvirt answers: virsh -c ${uri} list --all`, 'Install the libvirt client tools (Debian: apt-get install libvirt-clients) if virsh is missing.'],
  })
}
