/**
 * The cluster's admin kubeconfig on this machine: fetched from the control plane over SSH (host key
 * pinned), its server rewritten to the control-plane IP, written 0600 at
 * `<output>/<cluster>/kubeconfig`. The undo puts back the previous file (or removes it).
 */
import type {Undo} from '@ai-how/core'
import {writeFileWithUndo} from '@ai-how/plugin-hpc'
import {rewriteKubeconfig} from '../k8s/index.js'
import {readAdminConf} from './guest.js'
import type {GuestRunner} from './guest.js'

export async function fetchKubeconfig(run: GuestRunner, controlPlaneIp: string, file: string, signal?: AbortSignal): Promise<Undo> {
  const text = rewriteKubeconfig(await readAdminConf(run, controlPlaneIp, signal), controlPlaneIp)
  return writeFileWithUndo(file, text, {title: `kubeconfig ${file}`, mode: 0o600})
}
