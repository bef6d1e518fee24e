import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {chmod, mkdir, mkdtemp, open, readdir, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {hasCode, isAiHowError} from '@ai-how/core'
import {buildSeedIso, findIsoTool, isoCommand} from './iso.js'
import {seedView} from './view.js'
import {parsableKeyPair} from '../ssh/keypair.js'

const hasTool = (tool: string): boolean => spawnSync(tool, ['--version'], {stdio: 'ignore'}).error === undefined
const view = seedView({
  hostname: 'hpc-controller',
  sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx5Wm3f2mVQbnJ1Hsv0yVqk2x0J2v4dD0v8tJ0n3h9N ai-how@hpc'],
  instanceId: 'b1946ac9-2f7e-4c54-9a7e-4b4c1d2f3e5a',
  macAddress: '52:54:00:12:34:56',
  hostKey: ((k) => ({privateKey: k.private, publicKey: k.public}))(parsableKeyPair('hpc-controller')),
})

/** The volume id in the ISO 9660 primary volume descriptor (sector 16, bytes 40..71). */
async function volumeId(file: string): Promise<string> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(72)
    await handle.read(buffer, 0, 72, 32768)
    assert.equal(buffer[0], 1, 'primary volume descriptor type')
    assert.equal(buffer.subarray(1, 6).toString('latin1'), 'CD001')
    return buffer.subarray(40, 72).toString('latin1').trimEnd()
  } finally {
    await handle.close()
  }
}

void describe('buildSeedIso', () => {
  void it('writes a NoCloud ISO labelled cidata holding the three rendered files', async () => {
    // Both come with Debian's genisoimage package, which test/e2e/setup-host.sh --install-only (.ci/run) installs.
    for (const tool of ['genisoimage', 'isoinfo']) assert.ok(hasTool(tool), `${tool} is missing: apt-get install genisoimage`)
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-iso-'))
    try {
      const out = path.join(dir, 'pool', 'hpc-controller-seed.iso')
      const iso = await buildSeedIso(view, out, {tool: 'genisoimage'})
      assert.equal(iso.path, out)
      assert.equal(await volumeId(out), 'cidata')
      assert.deepEqual(await readdir(path.dirname(out)), ['hpc-controller-seed.iso'])
      assert.match(execFileSync('isoinfo', ['-d', '-i', out], {encoding: 'utf8'}), /^Volume id: cidata$/m)
      assert.match(execFileSync('isoinfo', ['-R', '-f', '-i', out], {encoding: 'utf8'}), /^\/meta-data\n\/network-config\n\/user-data\n$/, 'exactly the three files')
      for (const name of ['user-data', 'meta-data', 'network-config'] as const) {
        assert.equal(execFileSync('isoinfo', ['-R', '-x', `/${name}`, '-i', out], {encoding: 'utf8'}), iso.files[name], name)
      }
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  void it('uses the first ISO tool on PATH, in the order genisoimage, xorriso, cloud-localds', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-path-'))
    try {
      const [a, b] = [path.join(dir, 'a'), path.join(dir, 'b')]
      await Promise.all([a, b].map((d) => mkdir(d)))
      for (const [folder, tool] of [[a, 'cloud-localds'], [b, 'xorriso']] as const) {
        await writeFile(path.join(folder, tool), '#!/bin/sh\n')
        await chmod(path.join(folder, tool), 0o755)
      }
      assert.equal(await findIsoTool([a, b].join(path.delimiter)), 'xorriso')
      assert.equal(await findIsoTool(a), 'cloud-localds')
      assert.deepEqual(isoCommand('xorriso', '/o.iso'), ['xorriso', '-as', 'mkisofs', '-output', '/o.iso', '-volid', 'cidata', '-joliet', '-rock', 'user-data', 'meta-data', 'network-config'])
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  void it('names the Debian package to install when no ISO tool is found', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-empty-'))
    try {
      const error: unknown = await findIsoTool(dir).catch((e: unknown) => e)
      assert.ok(hasCode(error, 'ISO_TOOL_MISSING') && isAiHowError(error))
      assert.equal(error.name, 'HostError')
      assert.match(error.actions.join(' '), /apt-get install genisoimage/)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
