/**
 * The console end to end: the real server in-process (temp SQLite, demo city) serving the built
 * console from dist/web, driven by Debian's Chromium through playwright-core. Log in as the demo
 * analyst, read the dashboard in Chinese, switch to English, log out. A screenshot of the
 * dashboard is kept in test-results/ as an artefact.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureWebBuild,
  launchChromium,
  RESULTS_DIR,
  skipBrowserTests,
  WEB_DIR,
} from '../helpers/browser.js';
import { createTestApp } from '../helpers/server.js';

const SCREENSHOT = `${RESULTS_DIR}/console-dashboard.png`;

const skip = skipBrowserTests('console');

describe.skipIf(skip)('console in Chromium', () => {
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    // The app is built from the TypeScript sources here, so point it at the compiled console.
    const t = await createTestApp({ demo: true, env: { LEVEE_WEB_DIR: WEB_DIR } });
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    server = { url, close: t.close };
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves the console to a visitor who is not logged in yet', async () => {
    const index = await page.request.get(`${server.url}/`);
    expect(index.status(), 'GET / must serve index.html without a session').toBe(200);
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, 'index.html must load the compiled bundle from /assets').toBeDefined();
    const asset = await page.request.get(`${server.url}${script}`);
    expect(asset.status(), `GET ${script} must be public`).toBe(200);
    expect(asset.headers()['content-type']).toMatch(/javascript/);
    // A deep link is answered with the app too, so a reload on /admin/users keeps working.
    const deep = await page.request.get(`${server.url}/admin/users`);
    expect(deep.status()).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
  });

  it('logs in, shows the dashboard in Chinese, switches to English and logs out', async () => {
    await page.goto(`${server.url}/`);

    // Login page, Chinese by default.
    await page.getByRole('heading', { name: '用户登录' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

    // A wrong password shows the problem's message, and the form stays.
    await page.getByLabel('用户名').fill('analyst');
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('用户名或密码错误');

    await page.getByLabel('密码').fill('levee-demo');
    await page.getByRole('button', { name: '登录' }).click();

    // Dashboard in Chinese: heading, navigation, the user's unit, figures and the chart.
    await page.getByRole('heading', { name: '工作台' }).waitFor();
    const nav = page.getByRole('navigation');
    for (const item of ['首页', '案件', '资金查控', '预警劝阻', '源头治理', '两卡筛查', '通报']) {
      await nav.getByRole('menuitem', { name: item }).waitFor();
    }
    await page.getByText('武汉市公安局反电信网络诈骗中心').first().waitFor();
    await page.getByText('研判分析员').waitFor();
    await page.getByText('下辖单位').waitFor();
    // The analyst's subtree has more than one unit, so the scope picker is there.
    await page.getByText('查看范围:').waitFor();
    // ECharts draws into a canvas once its lazy chunk has loaded.
    await page.getByRole('img', { name: '近 14 天系统活动' }).locator('canvas').waitFor();

    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);

    // A module that is not built yet explains itself instead of showing a blank page.
    await nav.getByRole('menuitem', { name: '预警劝阻' }).click();
    await page.getByRole('heading', { name: '预警劝阻 · 建设中' }).waitFor();
    await nav.getByRole('menuitem', { name: '首页' }).click();
    await page.getByRole('heading', { name: '工作台' }).waitFor();

    // English: menu, heading and <html lang> follow; the choice is remembered.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    for (const item of [
      'Home',
      'Cases',
      'Fund control',
      'Warnings',
      'Blocking',
      'Card screening',
      'Bulletins',
    ]) {
      await nav.getByRole('menuitem', { name: item }).waitFor();
    }
    await page.getByText('Wuhan Anti-Telecom-Fraud Centre').first().waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await nav.getByRole('menuitem', { name: '案件' }).count()).toBe(0);

    // Log out: back to the login page (in English now), and the session is really gone.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Username').waitFor();
    const me = await page.request.get(`${server.url}/api/auth/me`);
    expect(me.status()).toBe(401);

    expect(pageErrors).toEqual([]);
  });
});
