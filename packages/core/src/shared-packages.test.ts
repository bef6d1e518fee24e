/** linkSharedPackages: installed plugins find the CLI's own @ai-how packages in <dataDir>/node_modules. */
import assert from 'node:assert/strict'
import {mkdir, mkdtemp, readlink, rm, stat, symlink, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {linkSharedPackages, sharedPackages} from './shared-packages.js'

const dirs: string[] = []
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, {recursive: true, force: true})))
})

async function dataDir(withModules: boolean): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-shared-'))
  dirs.push(dir)
  if (withModules) await mkdir(path.join(dir, 'node_modules'))
  return dir
}

const core = {name: '@ai-how/core', root: '/opt/ai-how/core'}
const hpc = {name: '@ai-how/plugin-hpc', root: '/opt/ai-how/plugin-hpc'}

void describe('shared packages of installed plugins', () => {
  void it('takes the core plugins of the @ai-how scope only (not oclif\'s, not user-installed or linked ones)', () => {
    const list = [
      {...core, type: 'core'},
      {name: '@oclif/plugin-help', root: '/x', type: 'core'},
      {...hpc, type: 'core'},
      {name: '@ai-how/plugin-mine', root: '/y', type: 'user'},
      {name: 'ai-how-plugin-devbox', root: '/z', type: 'link'},
    ]
    assert.deepEqual(sharedPackages(list), [core, hpc])
  })

  void it('links nothing while no plugin is installed (no node_modules in the data dir)', async () => {
    const dir = await dataDir(false)
    assert.deepEqual(await linkSharedPackages(dir, [core, hpc]), [])
    await assert.rejects(stat(path.join(dir, 'node_modules')))
  })

  void it('links each package, then leaves correct links alone', async () => {
    const dir = await dataDir(true)
    const written = await linkSharedPackages(dir, [core, hpc])
    assert.deepEqual(written, [path.join(dir, 'node_modules/@ai-how/core'), path.join(dir, 'node_modules/@ai-how/plugin-hpc')])
    assert.equal(await readlink(path.join(dir, 'node_modules/@ai-how/plugin-hpc')), hpc.root)
    assert.deepEqual(await linkSharedPackages(dir, [core, hpc]), [])
  })

  void it('re-points a link to another CLI (moved or upgraded) and keeps a real folder npm installed', async () => {
    const dir = await dataDir(true)
    await mkdir(path.join(dir, 'node_modules/@ai-how/core'), {recursive: true})
    await writeFile(path.join(dir, 'node_modules/@ai-how/core/package.json'), '{}')
    await symlink('/old/ai-how/plugin-hpc', path.join(dir, 'node_modules/@ai-how/plugin-hpc'))
    assert.deepEqual(await linkSharedPackages(dir, [core, hpc]), [path.join(dir, 'node_modules/@ai-how/plugin-hpc')])
    assert.equal(await readlink(path.join(dir, 'node_modules/@ai-how/plugin-hpc')), hpc.root)
    assert.ok((await stat(path.join(dir, 'node_modules/@ai-how/core/package.json'))).isFile())
  })
})
