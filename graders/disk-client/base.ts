// The seed's commands (ls, rm, mv, cp with their errors, tokens and retries: 6 points, spec.md rules 1-9): each checked by what the
// client prints and exits with, and by what the Disk itself then holds.
import type { GraderTest } from '../harness/defineGrader.ts'
import { EXIT, Session, TOKEN, filesIn, show, outcome } from './session.ts'

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
    t.equal(outcome(one), { code: EXIT.ok, lines: ['notes.txt  12'] }, "'ls /notes.txt' shows the one file")
    const missing = await s.run(['ls', '/nope'])
    t.equal(outcome(missing), { code: EXIT.notFound, lines: ['not found: disk:/nope'] }, "'ls /nope' prints 'not found: disk:/nope' and exits 3")
  },
}

export const mvCp: GraderTest = {
  name: 'mv-cp',
  title: "mv renames a file (the seed's example) and cp copies one; a folder moved or copied is waited for (the service's operation); neither overwrites unasked",
  points: 1,
  async run(t) {
    const s = await Session.start(t, { opDurationMs: 2000 })
    await s.put('disk:/file1.txt', 'one')
    const renamed = await s.run(['mv', '/file1.txt', '/file2.txt'])
    t.equal(outcome(renamed), { code: EXIT.ok, lines: ['moved disk:/file1.txt -> disk:/file2.txt'] }, "'mv /file1.txt /file2.txt' says so and exits 0")
    t.check((await s.meta('disk:/file1.txt')) === null && (await s.meta('disk:/file2.txt'))?.size === 3, 'the Disk then has file2.txt and no file1.txt')
    await s.mkdir('disk:/src')
    await s.put('disk:/src/a.txt', 'aaa')
    const folder = await s.run(['mv', '/src', '/dst'])
    t.equal(folder.code, EXIT.ok, "'mv /src /dst' of a folder exits 0")
    t.check(folder.ms >= 2000, `it waited for the service's operation to finish (the move takes 2 s; the client took ${folder.ms} ms)`, show(folder))
    t.check((await s.meta('disk:/src')) === null && names(await s.meta('disk:/dst')).join() === 'a.txt', 'right after it exits, the Disk has /dst with a.txt and no /src')
    await s.put('disk:/taken.txt', 'taken')
    const clash = await s.run(['mv', '/file2.txt', '/taken.txt'])
    t.equal(outcome(clash), { code: EXIT.exists, lines: ['already exists: disk:/taken.txt (use --overwrite)'] }, 'moving onto an existing file without --overwrite is refused (exit 4)')
    t.check((await s.meta('disk:/taken.txt'))?.size === 5, 'and the existing file is unchanged')
    const forced = await s.run(['mv', '/file2.txt', '/taken.txt', '--overwrite'])
    t.check(forced.code === EXIT.ok && (await s.meta('disk:/taken.txt'))?.size === 3, 'with --overwrite it replaces it', show(forced))
    const c = await Session.start(t, { opDurationMs: 1500 })
    await c.put('disk:/a.txt', 'alpha')
    const copied = await c.run(['cp', '/a.txt', '/b.txt'])
    t.equal(outcome(copied), { code: EXIT.ok, lines: ['copied disk:/a.txt -> disk:/b.txt'] }, "'cp /a.txt /b.txt' says so and exits 0")
    t.check((await c.meta('disk:/a.txt'))?.md5 === (await c.meta('disk:/b.txt'))?.md5, 'both files are on the Disk, the same')
    await c.mkdir('disk:/dir')
    await c.put('disk:/dir/x.txt', 'x')
    const folderCopy = await c.run(['cp', '/dir', '/dir2'])
    t.check(folderCopy.code === EXIT.ok && names(await c.meta('disk:/dir2')).join() === 'x.txt' && names(await c.meta('disk:/dir')).join() === 'x.txt', 'a folder copy is complete when the client exits 0, and the original is still there', show(folderCopy))
    const copyClash = await c.run(['cp', '/a.txt', '/b.txt'])
    t.equal(outcome(copyClash), { code: EXIT.exists, lines: ['already exists: disk:/b.txt (use --overwrite)'] }, 'copying onto an existing file without --overwrite is refused (exit 4)')
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
    t.equal(outcome(file), { code: EXIT.ok, lines: ['removed disk:/old.txt'] }, "'rm /old.txt' says so and exits 0")
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
    const info = JSON.parse(infoAfter?.body ?? '{}') as { used_space?: number; total_space?: number; trash_size?: number }
    const said = await s.run(['info'])
    t.equal(outcome(said), { code: EXIT.ok, lines: [`used ${info.used_space} of ${info.total_space} bytes (trash ${info.trash_size})`] }, "'info' prints the space used, the total and the trash, as the service reports them")
    const missing = await s.run(['rm', '/nothing'])
    t.equal(outcome(missing), { code: EXIT.notFound, lines: ['not found: disk:/nothing'] }, "'rm /nothing' prints 'not found: disk:/nothing' and exits 3")
    const failing = await Session.start(t, { opDurationMs: 1500, faults: 'fail-op@1' })
    await failing.mkdir('disk:/stuck')
    await failing.put('disk:/stuck/f.txt', 'f')
    const failed = await failing.run(['rm', '/stuck'])
    t.check(failed.code === EXIT.refused && /^failed/.test(failed.lines[0] ?? '') && failed.ms <= 5000, "an operation that ends 'failed' is reported at once: one line 'failed: …', exit 5", show(failed))
  },
}

export const tokensAndErrors: GraderTest = {
  name: 'token-and-errors',
  title: 'The token comes from DISK_TOKEN, --token-file or .disk-client.json and is never printed; no or a wrong token, bad usage and --help each get their line and exit code',
  points: 1,
  async run(t) {
    const s = await Session.start(t)
    const none = await s.run(['ls', '/'], { env: {} })
    t.check(none.code === EXIT.unauthorised && none.lines.length === 1 && /^not authorised: no token/.test(none.lines[0] ?? ''), "without any token: one line 'not authorised: no token …', exit 2, before asking the service", show(none))
    const wrong = await s.run(['ls', '/'], { env: { DISK_TOKEN: 'not-the-token' } })
    t.equal(outcome(wrong), { code: EXIT.unauthorised, lines: ['not authorised: check DISK_TOKEN'] }, "a token the service refuses (401): 'not authorised: check DISK_TOKEN', exit 2")
    const fromFile = await s.run(['ls', '/', '--token-file', 'token.txt'], { env: {}, files: { 'token.txt': `${TOKEN}\n` } })
    t.equal(fromFile.code, EXIT.ok, '--token-file FILE reads the token from that file')
    const fromConfig = await s.run(['ls', '/'], { env: {}, files: { '.disk-client.json': JSON.stringify({ token: TOKEN }) } })
    t.equal(fromConfig.code, EXIT.ok, 'without DISK_TOKEN, the token in .disk-client.json is used')
    const usage = await s.run(['mv', '/only-one'])
    t.check(usage.code === EXIT.usage && usage.lines.length === 1, 'a command with the wrong number of paths: one line, exit 1', show(usage))
    const unknown = await s.run(['frobnicate'])
    t.check(unknown.code === EXIT.usage && /frobnicate/.test(unknown.lines[0] ?? ''), 'an unknown command: one line naming it, exit 1', show(unknown))
    const badUrl = await s.run(['ls', '/'], { env: { DISK_TOKEN: TOKEN, DISK_API_URL: 'not a url' } })
    t.check(badUrl.code === EXIT.usage && badUrl.lines.length === 1 && /DISK_API_URL/.test(badUrl.lines[0] ?? ''), 'a DISK_API_URL that is not a URL: one line naming it, exit 1', show(badUrl))
    const help = await s.run(['--help'], { env: {} })
    t.check(help.code === EXIT.ok && help.lines.some((l) => /upload/.test(l)) && help.lines.some((l) => /ls/.test(l)) && /DISK_API_URL/.test(help.lines.at(-1) ?? ''), '--help prints the commands (and nothing else: it needs no token) and exits 0', show(help))
    const all = [none, wrong, fromFile, fromConfig, usage, unknown, badUrl, help].flatMap((r) => r.lines)
    t.check(!all.some((l) => l.includes(TOKEN)), 'no line ever shows the token', all.join(' | '))
    t.check(filesIn(fromFile.dir).every((f) => f === 'token.txt'), 'the client leaves nothing of its own in its directory')
  },
}

export const retries: GraderTest = {
  name: 'retries',
  title: 'The client retries 429 after Retry-After (not sooner, not much later), 503, and an answer that does not come within 10 s; a Retry-After over 30 s is not waited for',
  points: 1,
  async run(t) {
    const later = await Session.start(t, { faults: '429@meta#1:2,503@meta#2' })
    await later.put('disk:/r.txt', 'retry me')
    const started = await later.run(['ls', '/r.txt'])
    t.equal(outcome(started), { code: EXIT.ok, lines: ['r.txt  8'] }, "after a 429 (Retry-After: 2) and a 503, 'ls /r.txt' still succeeds")
    t.check(started.ms >= 2000 && started.ms <= 4000, `it waited out Retry-After: 2 s, then backed off briefly for the 503 (took ${started.ms} ms, between 2 and 4 s)`, show(started))
    const silent = await Session.start(t, { faults: 'delay@meta#1:15000' })
    await silent.put('disk:/s.txt', 'slow')
    const waited = await silent.run(['ls', '/s.txt'])
    t.check(waited.code === EXIT.ok && waited.ms >= 10_200 && waited.ms <= 12_000, `a first answer that would take 15 s is given up after 10 s, and the next try (after a back-off) answers (took ${waited.ms} ms)`, show(waited))
    const tooLong = await Session.start(t, { faults: '429@meta#1:90' })
    const refused = await tooLong.run(['ls', '/'])
    t.check(refused.code === EXIT.unavailable && refused.ms <= 2000, `a 429 asking to wait 90 s: 'service unavailable', exit 6, at once (took ${refused.ms} ms)`, show(refused))
  },
}

export const givingUp: GraderTest = {
  name: 'giving-up',
  title: 'Against a service that always fails, never answers in time, or a host nobody answers at, the client tries 5 times with growing back-off and gives up (exit 6); an operation stuck in progress is given up after 2 minutes',
  points: 1,
  timeLimit: 400_000,
  async run(t) {
    const dead = await Session.start(t, { faults: '500@*' })
    const gaveUp = await dead.run(['ls', '/'])
    t.check(gaveUp.code === EXIT.unavailable && /^service unavailable/.test(gaveUp.lines[0] ?? ''), "a service that always answers 500: one line 'service unavailable: ...', exit 6", show(gaveUp))
    const asked = dead.cluster.records.filter((r) => r.kind === 'send' && r.node.startsWith('run') && r.msg.type === 'HTTP_REQUEST').length
    t.equal(asked, 5, 'after 5 requests in all')
    t.check(gaveUp.ms >= 3500 && gaveUp.ms <= 5000, `waiting 250 ms, then twice as long each time, between them (gave up after ${gaveUp.ms} ms)`, show(gaveUp))
    const nowhere = await dead.run(['ls', '/'], { env: { DISK_TOKEN: TOKEN, DISK_API_URL: 'https://nowhere.example' } })
    t.check(nowhere.code === EXIT.unavailable && nowhere.ms >= 7000 && nowhere.ms <= 15_000, `a host where nobody answers: each refused connection retried with back-off, then exit 6 (after ${nowhere.ms} ms)`, show(nowhere))
    const mute = await Session.start(t, { faults: 'delay@*:15000' })
    const silent = await mute.run(['ls', '/'])
    t.check(silent.code === EXIT.unavailable && silent.ms >= 50_000 && silent.ms <= 60_000, `a service whose every answer would take 15 s: each try abandoned after 10 s, 5 tries, then exit 6 (after ${silent.ms} ms)`, show(silent))
    const stuck = await Session.start(t, { faults: 'slow-ops:300000' })
    await stuck.mkdir('disk:/heavy')
    await stuck.put('disk:/heavy/f.txt', 'f')
    const abandoned = await stuck.run(['rm', '/heavy'], { within: 200_000 })
    t.check(abandoned.code === EXIT.unavailable && abandoned.ms >= 110_000 && abandoned.ms <= 130_000, `an operation still in progress after 2 minutes is given up: exit 6 (after ${abandoned.ms} ms)`, show(abandoned))
  },
}
