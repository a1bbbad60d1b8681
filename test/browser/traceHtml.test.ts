// The trace page in a real browser: the diagram renders (a lane per node, an arrow per message),
// the failing check is highlighted, a click shows a message's body, a type can be hidden, and
// the page needs no network. Skipped, saying so, where no Chromium is installed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openTrace, type TraceRecord } from '../../runtime/index.ts'
import { pageModel } from '../../lab/trace/html/model.ts'
import { tracePage } from '../../lab/trace/html/page.ts'
import { browserMissing, openBrowser } from './browser.ts'

const test = suite('trace page in chromium')
const FIXTURE = 'test/fixtures/recorded/pbservice-master-fails.jsonl'

test('a failing pbservice test: drawn, highlighted, clickable, filterable, offline', async () => {
  const missing = browserMissing()
  if (missing) {
    console.log(`\n  ${missing}`)
    return
  }
  const trace = await openTrace(FIXTURE)
  const records: TraceRecord[] = []
  for await (const r of trace.records) records.push(r)
  const model = pageModel(trace.meta, records)
  const dir = mkdtempSync(join(tmpdir(), 'distlab-page-'))
  const file = join(dir, 'trace.html')
  writeFileSync(file, tracePage(trace.meta, records))
  const browser = await openBrowser()
  try {
    const page = await browser.context.newPage()
    page.setDefaultTimeout(5000)
    const errors: string[] = []
    const requests: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) requests.push(req.url())
    })
    await page.goto(pathToFileURL(file).href)
    await page.waitForSelector('body[data-ready="yes"]')
    assert.equal(errors, [])
    assert.equal(requests, [], 'the page asks the network for nothing')
    const arrows = await page.locator('line.msg').count()
    assert.ok(arrows > 0 && arrows <= model.messages.length, `${arrows} arrows`)
    assert.is(await page.locator('line.lane').count(), model.nodes.length)
    assert.ok((await page.locator('rect.state').count()) > 0, 'state bands are drawn')
    // The failing check is listed in red and marked on the diagram.
    assert.ok(model.checks.some((c) => !c.ok), 'the fixture has a failing check')
    assert.ok((await page.locator('.check.failed').count()) >= 1)
    assert.ok((await page.locator('line.checkmark.failed').count()) >= 1)
    // A click shows the message's body.
    const shownId = Number(await page.locator('line.msg').first().getAttribute('data-id'))
    const first = model.messages.find((m) => m.id === shownId) as (typeof model.messages)[number]
    await page.locator(`line.msg[data-id="${first.id}"]`).first().dispatchEvent('click')
    assert.match(await page.locator('#body').innerText(), new RegExp(`"type": "${first.type}"`))
    // Hiding a type removes its arrows and nothing else.
    const type = first.type
    const ofType = await page.locator(`line.msg[data-type="${type}"]`).count()
    await page.locator(`input[data-type="${type}"]`).uncheck()
    assert.is(await page.locator(`line.msg[data-type="${type}"]`).count(), 0)
    assert.is(await page.locator('line.msg').count(), arrows - ofType)
    // A node unchecked loses its lane.
    await page.locator(`input[data-node="${model.nodes[0]?.name}"]`).uncheck()
    assert.is(await page.locator('line.lane').count(), model.nodes.length - 1)
    // The screenshot is a picture, not a blank page: many colors in it.
    await page.locator(`input[data-node="${model.nodes[0]?.name}"]`).check()
    const png = await page.screenshot()
    assert.ok(png.length > 30_000, `a screenshot of ${png.length} bytes is too plain to hold a diagram`)
    if (process.env.DISTLAB_SCREENSHOT) writeFileSync(process.env.DISTLAB_SCREENSHOT, png)
  } finally {
    await browser.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
