import assert from 'node:assert/strict'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {hasCode} from '@ai-how/core'
import {libvirtTemplatesDir, packageRootOf, templatesDir} from './templates-dir.js'

const packageRoot = path.resolve(import.meta.dirname, '..')

void describe('templates folder: fixed inside the package, never searched for upward', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'ai-how-templates-dir-'))
  after(() => { rmSync(scratch, {recursive: true, force: true}) })

  void it('is <package root>/templates, holding the cloud-init and libvirt templates', () => {
    assert.equal(templatesDir(), path.join(packageRoot, 'templates'))
    assert.equal(libvirtTemplatesDir(), path.join(packageRoot, 'templates'))
    assert.equal(path.relative(packageRoot, templatesDir()), 'templates')
    for (const file of ['cloud-init/user-data.hbs', 'cloud-init/meta-data.hbs', 'cloud-init/network-config.hbs', 'libvirt/domain-layout.xml.hbs', 'libvirt/domain.xml.hbs', 'libvirt/network.xml.hbs', 'libvirt/pool.xml.hbs', 'libvirt/volume.xml.hbs']) {
      assert.ok(existsSync(path.join(templatesDir(), file)), file)
    }
  })

  void it('is the same from dist/ as from src/ (the package root is one level up from either)', () => {
    assert.equal(packageRootOf(path.join(packageRoot, 'dist')), packageRootOf(path.join(packageRoot, 'src')))
  })

  void it('fails with TEMPLATES_NOT_FOUND when the package has none, even with a templates/ folder higher up', () => {
    // <scratch>/templates is complete; the "installed package" <scratch>/lib/pkg has no templates/.
    for (const file of ['cloud-init/user-data.hbs', 'libvirt/domain.xml.hbs']) {
      mkdirSync(path.dirname(path.join(scratch, 'templates', file)), {recursive: true})
      writeFileSync(path.join(scratch, 'templates', file), '')
    }
    const moduleDir = path.join(scratch, 'lib', 'pkg', 'dist')
    mkdirSync(moduleDir, {recursive: true})
    for (const lookup of [() => templatesDir(undefined, moduleDir), () => libvirtTemplatesDir(moduleDir)]) {
      assert.throws(lookup, (error: unknown) => hasCode(error, 'TEMPLATES_NOT_FOUND') && (error as Error).message.includes(path.join(scratch, 'lib', 'pkg', 'templates')))
    }
    // Its own templates/ folder is found at once.
    mkdirSync(path.join(scratch, 'lib', 'pkg', 'templates', 'libvirt'), {recursive: true})
    writeFileSync(path.join(scratch, 'lib', 'pkg', 'templates', 'libvirt', 'domain.xml.hbs'), '')
    assert.equal(libvirtTemplatesDir(moduleDir), path.join(scratch, 'lib', 'pkg', 'templates'))
  })
})
