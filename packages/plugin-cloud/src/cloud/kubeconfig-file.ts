/**
 * The cluster's admin kubeconfig on this machine: fetched from the control plane over SSH (host key
 * pinned), its server rewritten to the control-plane IP, written 0600 at
 * `<output>/<cluster>/kubeconfig`. The undo puts back the previous file (or removes it).
 */
import {chmod, mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {Undo} from '@ai-how/core'
import {rewriteKubeconfig} from '../k8s/index.js'
import {readAdminConf} from './guest.js'
import type {GuestRunner} from './guest.js'

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch {
    return undefined
  }
}

export async function fetchKubeconfig(run: GuestRunner, controlPlaneIp: string, file: string, signal?: AbortSignal): Promise<Undo> {
  const text = rewriteKubeconfig(await readAdminConf(run, controlPlaneIp, signal), controlPlaneIp)
  const before = await readOrUndefined(file)
  await mkdir(path.dirname(file), {recursive: true, mode: 0o700})
  await writeFile(file, text, {mode: 0o600})
  await chmod(file, 0o600)
  return {title: `kubeconfig ${file}`, run: async () => (before === undefined ? rm(file, {force: true}) : writeFile(file, before, {mode: 0o600}))}
}
