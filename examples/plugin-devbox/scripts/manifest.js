// Writes oclif.manifest.json (what `oclif manifest` writes): with it, ai-how lists this plugin's
// commands without importing them on every run. `--remove` deletes it again (postpack), so that a
// linked checkout always loads the commands as they are.
import {rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {Plugin} from '@oclif/core'

const root = path.resolve(import.meta.dirname, '..')
const file = path.join(root, 'oclif.manifest.json')
if (process.argv.includes('--remove')) {
  await rm(file, {force: true})
} else {
  const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
  await plugin.load()
  await writeFile(file, `${JSON.stringify(plugin.manifest, null, 2)}\n`)
}
