// The seed's commands (ls, rm, mv, cp with their errors and retries: 6 points, spec.md rules 1-9): each checked by what the
// client prints and exits with, and by what the Disk itself then holds.
import type { GraderTest } from '../harness/defineGrader.ts'
import { EXIT, Session, TOKEN, filesIn, show } from './session.ts'

const names = (meta: Record<string, unknown> | null): string[] => ((meta?._embedded as { items?: Array<{ name: string }> } | undefined)?.items ?? []).map((i) => i.name).sort()

export const ls: GraderTest = {
  name: 'ls',
  title: "ls lists a folder (name/ for folders, name and size for files), every page of a big one, shows one file, and says 'not found' for a missing path",
  points: 1,
  async run(t) {
    const s = await Session.start(t)
    await s.mkdir('disk:/photos')
    await s.put('disk:/notes.txt', 'twelve bytes')
    await s.mkdir('disk:/many')
    for (let i = 0; i < 105; i++) await s.put(`disk:/many/f${String(i).padStart(3, '0')}.txt`, 'x'.repeat(i))
    const root = await s.run(['ls', '/'])
    t.equal({ code: root.code, lines: [...root.lines].sort() }, { code: EXIT.ok, lines: ['many/', 'notes.txt  12', 'photos/'] }, "'ls /' lists the root: one line per entry, exit 0")
    const many = await s.run(['ls', 'disk:/many'])
    t.check(many.code === EXIT.ok && many.lines.length === 105 && many.lines.includes('f104.txt  104'), "'ls disk:/many' lists all 105 files (the service gives at most a page at a time)", `${many.lines.length} lines: ${show(many)}`)
    const one = await s.run(['ls', '/notes.txt'])
    t.equal({ code: one.code, lines: one.lines }, { code: EXIT.ok, lines: ['notes.txt  12'] }, "'ls /notes.txt' shows the one file")
    const missing = await s.run(['ls', '/nope'])
    t.equal({ code: missing.code, lines: missing.lines }, { code: EXIT.notFound, lines: ['not found: disk:/nope'] }, "'ls /nope' prints 'not found: disk:/nope' and exits 3")
  },
}

export const mv: GraderTest = {
  name: 'mv',
  title: "mv renames a file (the seed's example), moves a folder (waiting for the service's operation), and refuses to overwrite without --overwrite",
  points: 1,
  async run(t) {
    const s = await Session.start(t, { opDurationMs: 2000 })
    await s.put('disk:/file1.txt', 'one')
    const renamed = await s.run(['mv', '/file1.txt', '/file2.txt'])
    t.equal({ code: renamed.code, lines: renamed.lines }, { code: EXIT.ok, lines: ['moved disk:/file1.txt -> disk:/file2.txt'] }, "'mv /file1.txt /file2.txt' says so and exits 0")
    t.check((await s.meta('disk:/file1.txt')) === null && (await s.meta('disk:/file2.txt'))?.size === 3, 'the Disk then has file2.txt and no file1.txt')
    await s.mkdir('disk:/src')
    await s.put('disk:/src/a.txt', 'aaa')
    const folder = await s.run(['mv', '/src', '/dst'])
    t.equal(folder.code, EXIT.ok, "'mv /src /dst' of a folder exits 0")
    t.check(folder.ms >= 2000, `it waited for the service's operation to finish (the move takes 2 s; the client took ${folder.ms} ms)`, show(folder))
    t.check((await s.meta('disk:/src')) === null && names(await s.meta('disk:/dst')).join() === 'a.txt', 'right after it exits, the Disk has /dst with a.txt and no /src')
    await s.put('disk:/taken.txt', 'taken')
    const clash = await s.run(['mv', '/file2.txt', '/taken.txt'])
    t.equal({ code: clash.code, lines: clash.lines }, { code: EXIT.exists, lines: ['already exists: disk:/taken.txt (use --overwrite)'] }, 'moving onto an existing file without --overwrite is refused (exit 4)')
    t.check((await s.meta('disk:/taken.txt'))?.size === 5, 'and the existing file is unchanged')
    const forced = await s.run(['mv', '/file2.txt', '/taken.txt', '--overwrite'])
    t.check(forced.code === EXIT.ok && (await s.meta('disk:/taken.txt'))?.size === 3, 'with --overwrite it replaces it', show(forced))
  },
}

export const cp: GraderTest = {
  name: 'cp',
  title: 'cp copies a file and a folder (waiting for the operation) and refuses to overwrite without --overwrite',
  points: 1,
  async run(t) {
    const s = await Session.start(t, { opDurationMs: 1500 })
    await s.put('disk:/a.txt', 'alpha')
    const file = await s.run(['cp', '/a.txt', '/b.txt'])
    t.equal({ code: file.code, lines: file.lines }, { code: EXIT.ok, lines: ['copied disk:/a.txt -> disk:/b.txt'] }, "'cp /a.txt /b.txt' says so and exits 0")
    t.check((await s.meta('disk:/a.txt'))?.md5 === (await s.meta('disk:/b.txt'))?.md5, 'both files are on the Disk, the same')
    await s.mkdir('disk:/dir')
    await s.put('disk:/dir/x.txt', 'x')
    const folder = await s.run(['cp', '/dir', '/dir2'])
    t.check(folder.code === EXIT.ok && names(await s.meta('disk:/dir2')).join() === 'x.txt' && names(await s.meta('disk:/dir')).join() === 'x.txt', 'a folder copy is complete when the client exits 0, and the original is still there', show(folder))
    const clash = await s.run(['cp', '/a.txt', '/b.txt'])
    t.equal({ code: clash.code, lines: clash.lines }, { code: EXIT.exists, lines: ['already exists: disk:/b.txt (use --overwrite)'] }, 'copying onto an existing file without --overwrite is refused (exit 4)')
  },
}

export const rm: GraderTest = {
  name: 'rm',
  title: "rm deletes a file and a folder (waiting for the operation), --permanently skips the trash, and a missing path is 'not found'",
  points: 1,
  async run(t) {
    const s = await Session.start(t, { opDurationMs: 1500 })
    await s.put('disk:/old.txt', 'old file')
    const file = await s.run(['rm', '/old.txt'])
    t.equal({ code: file.code, lines: file.lines }, { code: EXIT.ok, lines: ['removed disk:/old.txt'] }, "'rm /old.txt' says so and exits 0")
    t.check((await s.meta('disk:/old.txt')) === null, 'the file is gone from the Disk')
    await s.mkdir('disk:/full')
    await s.put('disk:/full/in.txt', 'inside')
    const folder = await s.run(['rm', '/full'])
    t.check(folder.code === EXIT.ok && (await s.meta('disk:/full')) === null, 'a folder with a file in it is gone when the client exits 0 (after the operation finished)', show(folder))
    const infoBefore = await s.api('GET', '/v1/disk')
    const trashBefore = Number((JSON.parse(infoBefore?.body ?? '{}') as { trash_size?: number }).trash_size)
    await s.put('disk:/gone.txt', 'never in the trash')
    const permanent = await s.run(['rm', '/gone.txt', '--permanently'])
    const infoAfter = await s.api('GET', '/v1/disk')
    const trashAfter = Number((JSON.parse(infoAfter?.body ?? '{}') as { trash_size?: number }).trash_size)
    t.check(permanent.code === EXIT.ok && trashAfter === trashBefore, "'rm --permanently' deletes without filling the trash", `${show(permanent)}; trash ${trashBefore} → ${trashAfter}`)
    const missing = await s.run(['rm', '/nothing'])
    t.equal({ code: missing.code, lines: missing.lines }, { code: EXIT.notFound, lines: ['not found: disk:/nothing'] }, "'rm /nothing' prints 'not found: disk:/nothing' and exits 3")
  },
}

export const tokensAndErrors: GraderTest = {
  name: 'token-and-errors',
  title: 'The token comes from DISK_TOKEN, --token-file or .disk-client.json and is never printed; no or a wrong token, bad usage and --help each get their line and exit code',
  points: 1,
  async run(t) {
    const s = await Session.start(t)
    const none = await s.run(['ls', '/'], { env: {} })
    t.check(none.code === EXIT.unauthorised && none.lines.length === 1 && /^not authorised/.test(none.lines[0] ?? ''), "without any token: one line 'not authorised: ...', exit 2", show(none))
    const wrong = await s.run(['ls', '/'], { env: { DISK_TOKEN: 'not-the-token' } })
    t.equal({ code: wrong.code, lines: wrong.lines }, { code: EXIT.unauthorised, lines: ['not authorised: check DISK_TOKEN'] }, "a token the service refuses (401): 'not authorised: check DISK_TOKEN', exit 2")
    const fromFile = await s.run(['ls', '/', '--token-file', 'token.txt'], { env: {}, files: { 'token.txt': `${TOKEN}\n` } })
    t.equal(fromFile.code, EXIT.ok, '--token-file FILE reads the token from that file')
    const fromConfig = await s.run(['ls', '/'], { env: {}, files: { '.disk-client.json': JSON.stringify({ token: TOKEN }) } })
    t.equal(fromConfig.code, EXIT.ok, 'without DISK_TOKEN, the token in .disk-client.json is used')
    const usage = await s.run(['mv', '/only-one'])
    t.check(usage.code === EXIT.usage && usage.lines.length === 1, 'a command with the wrong number of paths: one line, exit 1', show(usage))
    const unknown = await s.run(['frobnicate'])
    t.check(unknown.code === EXIT.usage && /frobnicate/.test(unknown.lines[0] ?? ''), 'an unknown command: one line naming it, exit 1', show(unknown))
    const help = await s.run(['--help'])
    t.check(help.code === EXIT.ok && help.lines.some((l) => /upload/.test(l)) && help.lines.some((l) => /ls/.test(l)), '--help prints the commands and exits 0', show(help))
    const all = [none, wrong, fromFile, fromConfig, usage, unknown, help].flatMap((r) => r.lines)
    t.check(!all.some((l) => l.includes(TOKEN)), 'no line ever shows the token', all.join(' | '))
    t.check(filesIn(fromFile.dir).every((f) => f === 'token.txt'), 'the client leaves nothing of its own in its directory')
  },
}

export const retries: GraderTest = {
  name: 'retries',
  title: 'The client retries 429 (after Retry-After), 503 and broken connections with back-off, waits out a slow operation, and gives up on a dead service within its bound',
  points: 1,
  async run(t) {
    const later = await Session.start(t, { faults: '429@meta#1:2,503@meta#2' })
    await later.put('disk:/r.txt', 'retry me')
    const started = await later.run(['ls', '/r.txt'])
    t.equal({ code: started.code, lines: started.lines }, { code: EXIT.ok, lines: ['r.txt  8'] }, "after a 429 (Retry-After: 2) and a 503, 'ls /r.txt' still succeeds")
    t.check(started.ms >= 2000, `it honoured Retry-After: 2 (took ${started.ms} ms)`, show(started))
    const slow = await Session.start(t, { faults: 'slow-ops:20000' })
    await slow.mkdir('disk:/big')
    await slow.put('disk:/big/f.txt', 'f')
    const waited = await slow.run(['rm', '/big'])
    t.check(waited.code === EXIT.ok && waited.ms >= 20_000 && (await slow.meta('disk:/big')) === null, 'an operation that stays in-progress for 20 s is waited for, then reported done', show(waited))
    const dead = await Session.start(t, { faults: '500@*' })
    const gaveUp = await dead.run(['ls', '/'])
    t.check(gaveUp.code === EXIT.unavailable && /^service unavailable/.test(gaveUp.lines[0] ?? ''), "a service that always answers 500: one line 'service unavailable: ...', exit 6", show(gaveUp))
    const asked = dead.cluster.records.filter((r) => r.kind === 'send' && r.node.startsWith('run') && r.msg.type === 'HTTP_REQUEST').length
    t.check(asked >= 2 && asked <= 10, `it retried, but not forever: ${asked} requests (at most 10)`, show(gaveUp))
    t.check(gaveUp.ms <= 60_000, `and gave up within a minute (${gaveUp.ms} ms)`, show(gaveUp))
  },
}
