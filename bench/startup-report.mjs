/** The figures of bench/startup.mjs: medians, ratios to `node -e 0`, goals, and the markdown of docs/benchmarks.md. */
import os from 'node:os'

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** rows: [{name, goal, wall: number[], cpu: number[]}], the first being the `node -e 0` baseline. */
export function summarize(rows) {
  const base = {wall: median(rows[0].wall), cpu: median(rows[0].cpu)}
  return rows.map(({name, goal, wall, cpu}) => {
    const w = median(wall)
    const c = median(cpu)
    const ratio = w / base.wall
    return {name, goal, wall: w, cpu: c, ratio, cpuRatio: base.cpu > 0 ? c / base.cpu : undefined, pass: goal === undefined ? undefined : ratio <= goal}
  })
}

function row(r) {
  const verdict = r.goal === undefined ? 'baseline' : `${r.pass ? 'pass' : 'MISS'} (goal ≤ ${r.goal}×)`
  const cpuRatio = r.cpuRatio === undefined ? '' : `${r.cpuRatio.toFixed(1)}×`
  return `| \`${r.name}\` | ${r.wall.toFixed(3)} | ${r.ratio.toFixed(1)}× | ${r.cpu.toFixed(2)} | ${cpuRatio} | ${verdict} |`
}

export function machineText(load, cpus = os.cpus(), env = process) {
  const model = cpus[0]?.model.trim() ?? 'unknown CPU'
  const gib = (os.totalmem() / 2 ** 30).toFixed(0)
  const busy = Math.max(...load) > cpus.length
    ? ` The machine was busy (load average above its ${cpus.length} cores: other work ran beside the benchmark), so the wall times are inflated; the CPU times much less so.`
    : ''
  return `${cpus.length} × ${model}, ${gib} GiB, ${os.type()} ${os.release()}, Node.js ${env.version}; load average ${load.map((l) => l.toFixed(1)).join(' → ')} (start → end).${busy}`
}

export function reportMarkdown({machine, runs, columns, date = new Date()}) {
  const lines = [
    '## Start-up time',
    '',
    `Measured by \`npm run bench:startup -- --write\` (bench/startup.mjs) on ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${runs} rounds, each running every command once in turn; medians. Wall: seconds from spawn to exit. CPU: user + system seconds of the process and of what it waited for. The ratio is to \`node -e 0\` of the same column. \`hpc status\` runs against libvirt's test driver (\`LIBVIRT_DEFAULT_URI=test:///default\`, real virsh processes) with an empty state file. Goal (issue 9): \`--version\` and \`--help\` within 3× \`node -e 0\`, \`validate\` and \`status --json\` within 4× (wall).`,
    '',
    `Machine: ${machine}`,
  ]
  for (const column of columns) {
    lines.push('', `### ${column.title}`, '', '| command | wall s | wall ×node | CPU s | CPU ×node | goal |', '| --- | ---: | ---: | ---: | ---: | --- |', ...column.rows.map(row))
  }
  return `${lines.join('\n')}\n`
}

/** `text` with the section that starts at the line `heading` (up to the next heading of the same level) replaced by `section`, or `section` appended. */
export function replaceSection(text, heading, section) {
  const level = heading.split(' ')[0]
  const lines = text.split('\n')
  const start = lines.indexOf(heading)
  if (start === -1) return `${text.trimEnd()}\n\n${section}`
  let end = lines.findIndex((line, i) => i > start && line.startsWith(`${level} `))
  if (end === -1) end = lines.length
  const after = lines.slice(end).join('\n')
  return `${[...lines.slice(0, start), ...section.trimEnd().split('\n')].join('\n')}\n${after ? `\n${after}` : ''}`
}
