// `npm run disk-client`: the reference client as a real program, one process per command, in a
// temporary directory, against the emulator's HTTP server started in this process. Each run is
// bounded (killed after 30 s whatever happens); eight process starts in all, four of them
// alongside the other four.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startDiskEmulator, type RunningDiskEmulator } from '../../assignments/disk-client/emulator/server.ts'
import { EXIT } from '../../assignments/disk-client/messages.ts'
import { startCli } from './nodeProcess.ts'

const test = suite('npm run disk-client')
const TOKEN = 'cli-test-token-5f2c9a'

interface Run {
  code: number | null
  stdout: string
  stderr: string
  lines: string[]
}

/** One command of the client in `dir`, to its exit. INIT_CWD is removed: under npm it names the repo, not `dir`. */
async function client(dir: string, args: string[], env: Record<string, string>): Promise<Run> {
  const run = startCli('diskClient.ts', args, { cwd: dir, limitMs: 30_000, env: { INIT_CWD: undefined, DISK_TOKEN: undefined, DISK_API_URL: undefined, ...env } })
  try {
    const code = await run.exit
    const lines = [...run.lines]
    return { code, stdout: lines.join('\n'), stderr: run.stderr(), lines }
  } finally {
    run.child.kill('SIGKILL')
  }
}

test('mkdir, upload, ls, download, a missing path, a wrong token, --help and an off-machine DISK_API_URL, each its own process with its exit code', async () => {
  let emulator: RunningDiskEmulator | undefined
  let independent: Promise<Run[]> | undefined
  const dir = mkdtempSync(join(tmpdir(), 'distlab-disk-cli-'))
  try {
    emulator = await startDiskEmulator({ port: 0, token: TOKEN })
    const env = { DISK_TOKEN: TOKEN, DISK_API_URL: emulator.url }
    const content = 'hello from the disk-client CLI test\n'
    writeFileSync(join(dir, 'hi.txt'), content)

    // The four that need nothing on the Disk run beside the chain that builds it.
    const wrong = 'wrong-token-e81d07'
    independent = Promise.all([
      client(dir, ['rm', '/nope'], env),
      client(dir, ['ls', '/'], { ...env, DISK_TOKEN: wrong }),
      client(dir, ['--help'], env),
      client(dir, ['ls', '/'], { ...env, DISK_API_URL: 'https://cloud-api.yandex.net' }),
    ])
    const mkdir = await client(dir, ['mkdir', '/a'], env)
    assert.is(mkdir.code, EXIT.ok, `mkdir: ${mkdir.stdout}${mkdir.stderr}`)
    assert.ok(mkdir.lines.includes('created disk:/a'), mkdir.stdout)

    const upload = await client(dir, ['upload', 'hi.txt', '/a/hi.txt'], env)
    assert.is(upload.code, EXIT.ok, `upload: ${upload.stdout}${upload.stderr}`)

    const ls = await client(dir, ['ls', '/a'], env)
    assert.is(ls.code, EXIT.ok, `ls: ${ls.stdout}${ls.stderr}`)
    assert.ok(ls.lines.includes(`hi.txt  ${Buffer.byteLength(content)}`), ls.stdout)

    const download = await client(dir, ['download', '/a/hi.txt', 'back.txt'], env)
    assert.is(download.code, EXIT.ok, `download: ${download.stdout}${download.stderr}`)
    assert.is(readFileSync(join(dir, 'back.txt'), 'utf8'), content, 'the file came back as it went')

    const [missing, refused, help, away] = await independent
    assert.is(missing.code, EXIT.notFound)
    assert.ok(missing.lines.includes('not found: disk:/nope'), missing.stdout)

    assert.is(refused.code, EXIT.unauthorised)
    assert.ok(refused.lines.includes('not authorised: check DISK_TOKEN'), refused.stdout)
    for (const secret of [wrong, TOKEN]) assert.not.ok(`${refused.stdout}${refused.stderr}`.includes(secret), 'no token is printed')

    assert.is(help.code, 0)
    assert.match(help.stdout, /usage: disk-client COMMAND/)
    assert.match(help.stdout, /upload LOCAL REMOTE/)

    // runCli's bad-input path: DistlabError BAD_INPUT exits 1, with one line and no stack.
    assert.is(away.code, 1)
    assert.is(away.stdout, '')
    const said = away.stderr.trim().split('\n')
    assert.is(said.length, 1, away.stderr)
    assert.match(said[0] as string, /npm run disk-emulator/)
  } finally {
    await independent
    await emulator?.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
