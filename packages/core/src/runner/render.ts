/**
 * Renderer selection for the task runner. Everything goes to STDERR (listr2 writes to stdout by
 * default): the animated renderer on a TTY, plain lines otherwise ('verbose' with --verbose, else
 * 'simple'), and the silent renderer under --json so that stdout carries only the JSON document.
 */
import type {ListrBaseClassOptions, ListrDefaultRendererLogLevels, ListrLogLevels} from 'listr2'
import {DefaultRenderer, LISTR_LOGGER_STDERR_LEVELS, ListrLogger, ProcessOutput} from 'listr2'

/**
 * listr2's animated renderer, selectable when stdout is not a TTY: we render on stderr, so only
 * stderr's TTY-ness matters (decided by the caller through `tty`).
 */
export class StderrDefaultRenderer extends DefaultRenderer {
  static override nonTTY = true
}

export type PrimaryRenderer = typeof StderrDefaultRenderer
export type FallbackRenderer = 'simple' | 'verbose'

export interface RenderChoice {
  json: boolean
  tty: boolean
  verbose: boolean
}

/** A ProcessOutput whose "stdout" is process.stderr, so no renderer ever writes to stdout. */
function stderrOnly(): ProcessOutput {
  return new ProcessOutput(process.stderr, process.stderr)
}

/** The listr2 options that select and configure the renderer for one run. */
export function renderOptions<Ctx>(choice: RenderChoice): ListrBaseClassOptions<Ctx, PrimaryRenderer, FallbackRenderer> {
  const defaultLogger = new ListrLogger<ListrDefaultRendererLogLevels>({useIcons: true, toStderr: [], processOutput: stderrOnly()})
  const lineLogger = new ListrLogger<ListrLogLevels>({
    useIcons: !choice.verbose,
    toStderr: LISTR_LOGGER_STDERR_LEVELS,
    processOutput: stderrOnly(),
  })
  return {
    renderer: StderrDefaultRenderer,
    rendererOptions: {logger: defaultLogger, collapseSubtasks: false},
    fallbackRenderer: choice.verbose ? 'verbose' : 'simple',
    fallbackRendererOptions: {logger: lineLogger},
    fallbackRendererCondition: !choice.tty || choice.verbose,
    silentRendererCondition: choice.json,
  }
}
