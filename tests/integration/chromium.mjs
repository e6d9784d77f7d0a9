// Debian's Chromium for the hosted pages' tests: a window that records what must never happen
// on a page (a console error, a CSP violation, a request to another origin), and a check that
// runs axe-core (WCAG 2.1 AA) on it and writes its screenshots at 375 px and 1280 px, light
// and dark, to docs/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
export const VIEWS = [
  { name: 'phone', viewport: { width: 375, height: 812 } },
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
];

export async function launchChromium() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}

// A browser window on `gh`'s pages. `allowedOrigins`: others it may go to (an OpenID Connect
// client's redirect URI).
export async function open(browser, gh, { colorScheme = 'light', viewport = VIEWS[1].viewport, allowedOrigins = [] } = {}) {
  const context = await browser.newContext({ colorScheme, viewport });
  const page = await context.newPage();
  const problems = [];
  const documentStatus = new Map(); // url -> status of the page itself
  page.on('response', (r) => {
    if (r.request().isNavigationRequest()) documentStatus.set(r.url(), r.status());
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // A form answered 401 or 422 is the page itself; Chromium logs its status as an error.
    const own = m.text().match(/^Failed to load resource: the server responded with a status of (\d+)/);
    if (own && documentStatus.get(m.location().url) === Number(own[1])) return;
    problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin !== gh.url && url.protocol !== 'data:' && !allowedOrigins.includes(url.origin)) {
      problems.push(`request to another origin: ${r.url()}`);
    }
  });
  await page.exposeFunction('reportCspViolation', (text) => problems.push(`CSP: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.reportCspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { context, page, problems };
}

// axe on the current page, the recorded problems, and (named) its screenshot in every view.
export async function check(browser, gh, w, name) {
  const result = await new AxeBuilder({ page: w.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.ok(result.testEngine.name === 'axe-core' && result.passes.length > 0, 'axe ran');
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), [], `${name}: axe`);
  assert.deepEqual(w.problems, [], `${name}: console, CSP and origins`);
  if (!name) return;
  const html = await w.page.content();
  for (const scheme of ['light', 'dark']) {
    for (const view of VIEWS) {
      // The same page re-rendered in another window size and scheme (a form's state included).
      const shotContext = await browser.newContext({ viewport: view.viewport, colorScheme: scheme });
      const shot = await shotContext.newPage();
      await shot.route(`${gh.url}/**`, (route) =>
        route.request().isNavigationRequest() ? route.fulfill({ contentType: 'text/html', body: html }) : route.continue());
      await shot.goto(w.page.url().split('#')[0]);
      if (scheme === 'dark') {
        const dark = await new AxeBuilder({ page: shot }).withTags(['wcag2aa']).analyze();
        assert.deepEqual(dark.violations.map((v) => v.id), [], `${name}: axe in dark mode`);
      }
      await shot.screenshot({ path: `${SHOTS}${name}-${view.name}-${scheme}.png`, fullPage: true });
      await shotContext.close();
    }
  }
}
