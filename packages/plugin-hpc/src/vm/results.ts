/** What start, stop and destroy of a VM cluster return (the data of `--json`). */
import type {ClockCorrection} from './clock.js'
import type {NodeStop} from './power.js'
import type {StartTimings} from './start-timings.js'

export interface StartResult {
  kind: string
  name: string
  status: string
  state_file: string
  network: string
  pool: string
  /** VMs this run created, started (created or booted), and left as they were. */
  created: string[]
  started: string[]
  kept: string[]
  /** Seconds until each node answered SSH. */
  ssh_ready: {name: string; host: string; seconds: number}[]
  /** VMs restored from a managed save (a suspended cluster), and how each one's clock was corrected. */
  restored: string[]
  clock: ClockCorrection[]
  changes: string[]
  /** Seconds per phase of this start (start-timings.ts). */
  timings?: StartTimings
  [extra: string]: unknown
}

export interface StopResult {
  kind: string
  name: string
  status: string
  /** Shut down by the guest (agent, ssh or acpi) / powered off after the timeout / already off. */
  stopped: string[]
  forced: string[]
  /** Memory saved (`--suspend`): the next start restores them. */
  suspended: string[]
  already_off: string[]
  /** Each node that was running: how it stopped and what each channel answered. */
  nodes: NodeStop[]
  /** One per node powered off by force, and with --suspend one per node shut down instead of saved. */
  warnings: string[]
}

export interface DestroyResult {
  kind: string
  name: string
  domains: string[]
  pools: string[]
  networks: string[]
  forced: string[]
  /** Folder holding the last state entry, logs and generated files; null when there was nothing. */
  archive: string | null
  state_entry_removed: boolean
}
