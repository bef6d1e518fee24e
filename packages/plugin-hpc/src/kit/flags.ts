/** Flags shared by the `ai-how <kind> start|stop|status|destroy` commands of every VM kind (kept out of commands/, where every file is a command). */
import {Flags} from '@oclif/core'
import {DEFAULT_SSH_TIMEOUT_S} from '../vm/spec-from-config.js'
import {DEFAULT_STOP_TIMEOUT_S} from './run-settings.js'

export const keepOnFailureFlag = Flags.boolean({
  description: 'on failure, keep what this run created (and list it) instead of removing it',
  default: false,
})

export const skipDeployFlag = Flags.boolean({
  description: 'create and boot the VMs and write the inventory, but do not run the deploy playbook',
  default: false,
})

export const redeployFlag = Flags.boolean({
  description: 'run the deploy playbook even when no VM was created and the last deploy succeeded',
  default: false,
  exclusive: ['skip-deploy'],
})

export const sshTimeoutFlag = Flags.integer({
  description: 'seconds each started VM gets to answer SSH (software-emulated guests need about a minute)',
  default: DEFAULT_SSH_TIMEOUT_S,
  min: 1,
})

export const strictCloudInitFlag = Flags.boolean({
  description: 'fail the start (and roll back) when cloud-init reports any failure; by default a failed module that ai-how does not need (SSH, sudo and the hostname are checked) is a warning',
  default: false,
})

export const stopTimeoutFlag = Flags.integer({
  description: 'seconds a VM gets to shut down after the shutdown request before it is powered off',
  default: DEFAULT_STOP_TIMEOUT_S,
  min: 0,
})

export const suspendFlag = Flags.boolean({
  description: 'save each running VM\'s memory (libvirt managed save) instead of shutting it down; the next start restores it. A VM with a host device passed through (GPU) cannot be saved: it is shut down as usual, with a warning',
  default: false,
})

export const forceFlag = Flags.boolean({
  char: 'f',
  description: 'do not ask for confirmation (required when not in a terminal)',
  default: false,
})
