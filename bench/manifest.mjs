/**
 * The oclif manifests (`oclif.manifest.json`) of the workspace's packages, generated as oclif's own
 * `oclif manifest` does it (a Plugin loaded with its manifest ignored, every command imported once),
 * through @oclif/core, so the benchmark needs no oclif CLI. Only where a package has none yet; the
 * caller removes the returned files.
 */
import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {Plugin} from '@oclif/core'

export async function generateManifests(root) {
  const written = []
  const packages = path.join(root, 'packages')
  for (const name of readdirSync(packages).sort()) {
    const dir = path.join(packages, name)
    const file = path.join(dir, 'oclif.manifest.json')
    const pjson = path.join(dir, 'package.json')
    if (!existsSync(pjson) || existsSync(file) || !JSON.parse(readFileSync(pjson, 'utf8')).oclif) continue
    const plugin = new Plugin({root: dir, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
    await plugin.load()
    writeFileSync(file, JSON.stringify(plugin.manifest))
    written.push(file)
  }
  return written
}
