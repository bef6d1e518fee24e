/**
 * Gates for tests of concurrent steps: a step stops at its gate until the test opens it, so the
 * order in which steps finish is the order the test opens the gates in, with no timers.
 */
function deferred(): {promise: Promise<void>; resolve: () => void} {
  let resolve = (): void => undefined
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return {promise, resolve}
}

/** Resolves once every promise reaction already queued has run (the runner taking in a step's result). */
export const drained = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Where one step stops until the test opens it. */
export class Gate {
  private readonly arrived = deferred()
  private readonly opened = deferred()
  private readonly left = deferred()
  reachedIt = false

  /** Resolves when a step stands at the gate. */
  reached(): Promise<void> {
    return this.arrived.promise
  }

  async pass(): Promise<void> {
    this.reachedIt = true
    this.arrived.resolve()
    await this.opened.promise
    this.left.resolve()
  }

  /** Waits until a step stands at the gate, opens it, and waits until the runner has its result. */
  async let(): Promise<void> {
    await this.arrived.promise
    this.opened.resolve()
    await this.left.promise
    await drained()
  }
}

/** One gate per name, made on first use. */
export class Gates {
  private readonly gates = new Map<string, Gate>()
  of(name: string): Gate {
    const gate = this.gates.get(name) ?? new Gate()
    this.gates.set(name, gate)
    return gate
  }

  /** Lets the steps at these gates finish one after another, in this order. */
  async letInOrder(names: string[]): Promise<void> {
    for (const name of names) await this.of(name).let()
  }
}
