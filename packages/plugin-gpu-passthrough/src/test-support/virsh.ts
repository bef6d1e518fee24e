/** Whether the tests can run real virsh (the libvirt test driver needs no daemon). */
import {execFileSync} from 'node:child_process'

export function hasVirsh(): boolean {
  try {
    execFileSync('virsh', ['--version'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}
