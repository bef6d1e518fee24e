/** Host checks of `validate --check-host`: core's base-image checks plus every plugin's `ai-how:host-checks` answer. */
import type {Config} from '@oclif/core'
import type {ClusterDescription} from '../contracts/cluster.js'
import type {HostCheckResult} from '../contracts/extensions.js'
import {callHook} from '../plugins.js'
import {checkBaseImages} from './host-images.js'

export async function runHostChecks(config: Config, clusters: readonly ClusterDescription[], hostRoot: string): Promise<HostCheckResult[]> {
  const images = await checkBaseImages(clusters)
  const answers = await callHook(config, 'ai-how:host-checks', {clusters: [...clusters], hostRoot})
  return [...images, ...answers.flatMap((a) => (Array.isArray(a.result) ? a.result : []))]
}
