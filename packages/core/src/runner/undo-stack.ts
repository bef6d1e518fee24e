/**
 * The undo actions registered by one run, in registration order, plus the step promises still in
 * flight (a step that finishes after a failure or Ctrl+C still registers its undo before unwinding).
 */
import type {FailedUndo, Undo} from './types.js'

export interface UnwindReport {
  undone: string[]
  failed: FailedUndo[]
}

export interface UnwindObserver {
  onStart(title: string, index: number, total: number): void
  onFail(title: string, error: unknown): void
}

export class UndoStack {
  private readonly undos: Undo[] = []
  private readonly inFlight = new Set<Promise<unknown>>()

  push(undo: Undo | Undo[] | undefined): void {
    if (undo === undefined) return
    this.undos.push(...(Array.isArray(undo) ? undo : [undo]))
  }

  /** Registers the undo(s) of `work` whenever it resolves, even after the run has failed. */
  track(work: Promise<Undo | Undo[] | undefined>): void {
    const settled = work.then(
      (undo) => {
        this.push(undo)
      },
      () => undefined,
    )
    this.inFlight.add(settled)
    void settled.finally(() => this.inFlight.delete(settled))
  }

  /** Waits until every tracked step has resolved or rejected. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight])
  }

  get size(): number {
    return this.undos.length
  }

  /** Titles in registration order. */
  titles(): string[] {
    return this.undos.map((u) => u.title)
  }

  /**
   * Runs every undo once, newest first. An undo that throws is reported and the unwinding goes on.
   * The stack is empty afterwards.
   */
  async unwind(observer: UnwindObserver): Promise<UnwindReport> {
    const report: UnwindReport = {undone: [], failed: []}
    const total = this.undos.length
    for (let undo = this.undos.pop(), i = 1; undo !== undefined; undo = this.undos.pop(), i++) {
      observer.onStart(undo.title, i, total)
      try {
        await undo.run()
        report.undone.push(undo.title)
      } catch (error) {
        observer.onFail(undo.title, error)
        report.failed.push({title: undo.title, error})
      }
    }
    return report
  }
}
