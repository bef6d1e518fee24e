/**
 * examples/ (issue 9 §1): every config validates as it is, and every image file it names (base
 * image, kernel, initrd) is either built by scripts/build-guest-image.sh (which the header names as
 * the command to run) or explained in the file's first comment lines: its path there, with a
 * command that makes it.
 */
import assert from 'node:assert/strict'
import {readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {execa} from 'execa'
import {parse} from 'yaml'

const root = path.resolve(import.meta.dirname, '../..')
const examples = readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.yaml')).sort()
const GUEST_IMAGE = '/var/cache/ai-how-e2e/images/current/'
const IMAGE_KEYS = new Set(['base_image_path', 'kernel', 'initrd'])

/** The values of base_image_path, kernel and initrd anywhere in the document, with ${VAR:-default} read as its default and ${TOT} as the repository. */
function imagePaths(doc: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(doc)) for (const item of doc) imagePaths(item, out)
  else if (typeof doc === 'object' && doc !== null) {
    for (const [key, value] of Object.entries(doc)) {
      if (IMAGE_KEYS.has(key) && typeof value === 'string') out.add(defaults(value))
      else imagePaths(value, out)
    }
  }
  return out
}

function defaults(value: string): string {
  let v = value.replaceAll('${TOT}', root)
  for (let before = ''; before !== v; ) {
    before = v
    v = v.replace(/\$\{[A-Z_]+:-([^${}]*)\}/g, '$1')
  }
  return v
}

const header = (text: string): string[] => text.split('\n').filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('#')))

void describe('examples/', () => {
  void it('there are examples, among them the quickstart one', () => {
    assert.ok(examples.includes('hpc-tiny.yaml'), examples.join(' '))
  })

  for (const file of examples) {
    void it(`${file}: validates as it is; each image it names is built by a named script or explained in its header`, async () => {
      const r = await execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), 'validate', `examples/${file}`], {cwd: root, reject: false, timeout: 120_000, stdin: 'ignore'})
      assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`)
      const text = readFileSync(path.join(root, 'examples', file), 'utf8')
      const head = header(text)
      const commands = head.filter((l) => l.startsWith('#   '))
      const paths = imagePaths(parse(text))
      assert.ok(paths.size > 0, 'names its images')
      for (const image of paths) {
        if (image.startsWith(GUEST_IMAGE)) {
          const built = readFileSync(path.join(root, 'test/e2e/build-image.sh'), 'utf8')
          assert.match(built, new RegExp(`\\$work/${path.basename(image).replace('.', '\\.')}\\b|${path.basename(image).replace('.', '\\.')}`), `build-image.sh makes ${path.basename(image)}`)
          assert.ok(commands.some((l) => l.includes('scripts/build-guest-image.sh')), `${image}: the header names the command that builds it (sudo scripts/build-guest-image.sh)`)
        } else {
          const relative = path.relative(root, image)
          assert.ok(!relative.startsWith('..'), `${image} is inside the repository or the guest image cache`)
          assert.ok(head.some((l) => l.includes(path.basename(image))), `${relative}: the header says which image it is`)
          assert.ok(commands.some((l) => l.includes(relative) && /\b(curl|cp|qemu-img|scripts\/)/.test(l)), `${relative}: the header has a command that makes it:\n${head.join('\n')}`)
        }
      }
    })
  }
})
