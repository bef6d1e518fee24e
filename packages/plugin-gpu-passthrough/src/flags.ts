/** Flags shared by the `ai-how gpu` commands. */
import {Flags} from '@oclif/core'
import {SYSFS_ROOT_ENV} from './host/host-fs.js'

/** Root under which /sys and /proc are read: '/' on a real host, a fixture tree in tests. */
export const sysfsRootFlag = Flags.string({
  description: 'read /sys, /proc and pci.ids under this folder instead of / (tests point it at a fixture tree)',
  env: SYSFS_ROOT_ENV,
  default: '/',
})
