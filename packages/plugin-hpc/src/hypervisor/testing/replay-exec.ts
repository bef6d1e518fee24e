/**
 * An ExecFn for tests against libvirt's test driver (`test:///default`, `test:///abs/node.xml`),
 * whose state lives only as long as one virsh process. Every call runs the real virsh binary with
 * the commands of all earlier successful calls replayed first, then the new one, so a sequence
 * like define -> start -> domstate -> shutdown -> undefine behaves as on a real daemon. Output of
 * the replayed commands is cut off at a marker on stdout and on stderr. Inputs given on stdin
 * (`/dev/stdin`) are kept in files so they can be replayed.
 * Caveat: objects defined without a UUID get a new random one on every replay.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {randomBytes} from 'node:crypto'
import {execaExec} from '../exec.js'
import type {ExecFn} from '../exec.js'

/** Quotes one argument for virsh's own command-line parser. */
function quote(arg: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(arg) ? arg : `"${arg.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

export interface ReplayExec {
  exec: ExecFn
  /** The commands replayed before each new one (successful calls so far). */
  history: () => readonly string[]
}

export function replayExec(inner: ExecFn = execaExec): ReplayExec {
  const history: string[] = []
  const dir = mkdtempSync(path.join(tmpdir(), 'ai-how-replay-'))
  let inputs = 0
  const exec: ExecFn = async (request) => {
    if (request.file !== 'virsh') return inner(request)
    const [quiet, connect, uri, ...rest] = request.args
    if (quiet !== '-q' || connect !== '-c' || uri === undefined) throw new TypeError('replayExec expects virsh -q -c URI ...')
    const fragment =
      rest.length === 1 && /[; ]/.test(rest[0] ?? '')
        ? (rest[0] ?? '')
        : rest
            .map((arg) => {
              if (arg !== '/dev/stdin') return quote(arg)
              const file = path.join(dir, `input-${++inputs}.xml`)
              writeFileSync(file, request.input ?? '')
              return quote(file)
            })
            .join(' ')
    const mark = `@@replay-${randomBytes(6).toString('hex')}@@`
    const script = [...history, `echo ${mark}`, `echo --err ${mark}`, fragment].join(' ; ')
    const result = await inner({file: 'virsh', args: ['-q', '-c', uri, script], timeoutMs: request.timeoutMs})
    const after = (text: string, marker: string): string => {
      const at = text.indexOf(marker)
      return at === -1 ? text : text.slice(at + marker.length).replace(/^\n/, '')
    }
    if (result.exitCode === 0) history.push(fragment)
    return {...result, stdout: after(result.stdout, mark), stderr: after(result.stderr, `error: ${mark}`)}
  }
  return {exec, history: () => history}
}
