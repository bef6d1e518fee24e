import type {CmdResult} from './exec.js'
import type {E2eHost} from './host.js'
import {inNetns} from './netns.js'

export interface PlaybookRun {
  playbook: string
  inventory: string
  /** A folder for Ansible's local temp files (kept out of ~/.ansible). */
  workDir: string
  extraArgs?: readonly string[]
  timeoutMs?: number
}

/** A real `ansible-playbook` run inside the namespace (where the guests are). Never throws on failure. */
export async function runPlaybook(host: E2eHost, options: PlaybookRun): Promise<CmdResult> {
  return inNetns(host, 'ansible-playbook', ['-i', options.inventory, ...(options.extraArgs ?? []), options.playbook], {
    env: {
      ANSIBLE_LOCAL_TEMP: `${options.workDir}/ansible-local`,
      ANSIBLE_SSH_CONTROL_PATH_DIR: `${options.workDir}/ansible-cp`,
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: '0',
      ANSIBLE_STDOUT_CALLBACK: 'default',
    },
    cwd: options.workDir,
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    reject: false,
  })
}
