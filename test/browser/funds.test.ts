/**
 * 资金查控 end to end in Chromium. Endpoints for six banks and two payment institutions are loaded
 * from a simulator keys file pointing at a port nobody listens on, and no dispatcher runs: the
 * requests the automation queues for a new case stay queued. The duty officer sees them with their
 * states, an alarm banner for a dead letter, the countdown of an executed stop-payment and its
 * one-click renewal; ICBC's liaison sees ICBC's requests only; the administrator manages endpoints.
 * Last, the case page's drawer confirms a freeze the policy asked a person to confirm.
 * A screenshot of the duty officer's page is kept in test-results/funds.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvent } from '../../src/repositories/case.repository.js';
import { raiseAlarm } from '../../src/repositories/gateway.repository.js';
import { buildInstitutions } from '../../src/sim/institutions.js';
import { simKeysFile } from '../../src/sim/keys.js';
import {
  ensureWebBuild,
  launchChromium,
  RESULTS_DIR,
  skipBrowserTests,
  WEB_DIR,
} from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/server.js';

const SCREENSHOT = `${RESULTS_DIR}/funds.png`;
const NOBODY = 'http://127.0.0.1:9';

const skip = skipBrowserTests('funds');

interface Row {
  id: number;
  requestId: string;
  type: string;
  institution: string;
  state: string;
  renews: string | null;
}

describe.skipIf(skip)('fund control screens in Chromium', () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;
  const pageErrors: string[] = [];
  const institutions = buildInstitutions(6, 2);

  beforeAll(async () => {
    await ensureWebBuild();
    t = await createTestApp({ demo: true, env: { LEVEE_WEB_DIR: WEB_DIR } });
    await t.ctx.gateway.importKeys(simKeysFile({ seed: 7, institutions, baseUrl: NOBODY }), 'test');
    url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${username}: ${error.message}`));
    await page.goto(`${url}/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill('levee-demo');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '工作台' }).waitFor();
    return page;
  }

  const rowsOf = (page: Page) =>
    page.getByRole('table', { name: '查控请求' }).locator('tbody tr.ant-table-row');

  it('lists the requests by role, raises dead letters, renews a hold and manages endpoints', async () => {
    // A case through the API: two payments, to ICBC and CCB. The automation queues its requests.
    const duty = await t.login('duty');
    const community = { id: await t.unitId('WH-JA-DZ-01') };
    const day = new Date(Date.now() - 24 * 3600_000 + 8 * 3600_000).toISOString().slice(0, 10);
    const created = await duty.request('POST', '/api/cases', {
      scamType: 'fake-customer-service',
      narrative: '自称快递客服，称包裹丢失需理赔，诱导转账。',
      victim: {
        name: '赵女士',
        idNumber: '11010519491231002X',
        phone: '13871234567',
        address: '江岸区大智路1号',
        unitId: community.id,
      },
      payments: [
        {
          time: `${day}T14:05:00+08:00`,
          amount: 18_000_000,
          channel: 'mobile-banking',
          institution: 'ICBC',
          account: '6222021234567890128',
          accountName: '王某',
        },
        {
          time: `${day}T14:20:00+08:00`,
          amount: 12_000_050,
          channel: 'mobile-banking',
          institution: 'CCB',
          account: '6217002870012345678',
          accountName: '李某',
        },
      ],
    });
    expect(created.statusCode).toBe(201);
    await t.ctx.disposal.idle();
    const list = async (session = duty): Promise<Row[]> =>
      ((await session.request('GET', '/api/gateway/requests')).json() as { items: Row[] }).items;
    const queued = await list();
    expect(queued.some((r) => r.institution === 'ICBC')).toBe(true);
    expect(queued.some((r) => r.institution === 'CCB')).toBe(true);
    expect(queued.every((r) => r.state === 'queued')).toBe(true);

    // The ICBC stop-payment executed five hours before its deadline; a CCB request gave up.
    const stop = queued.find((r) => r.institution === 'ICBC' && r.type === 'stop-payment');
    const dead = queued.find((r) => r.institution === 'CCB');
    expect(stop).toBeDefined();
    const now = Date.now();
    await t.ctx.store.db
      .updateTable('gateway_request')
      .set({
        state: 'executed',
        executed_at: new Date(now).toISOString(),
        deadline_at: new Date(now + 5 * 3600_000).toISOString(),
        held_amount: 18_000_000,
      })
      .where('id', '=', stop!.id)
      .execute();
    await t.ctx.store.db
      .updateTable('gateway_request')
      .set({ state: 'dead', last_error: 'connect ECONNREFUSED 127.0.0.1:9' })
      .where('id', '=', dead!.id)
      .execute();
    await raiseAlarm(t.ctx.store.db, {
      request_id: dead!.requestId,
      case_id: (created.json() as { case: { id: number } }).case.id,
      kind: 'dead-letter',
      message: 'gave up after 8 attempts: connect ECONNREFUSED 127.0.0.1:9',
      created_at: new Date(now).toISOString(),
    });

    // The duty officer: every request with its state, the alarm, the countdown, the renewal.
    const page = await open('duty');
    await page.getByRole('navigation').getByRole('menuitem', { name: '资金查控' }).click();
    await page.getByRole('heading', { name: '资金查控' }).waitFor();
    await page.getByRole('alert').getByText('1 条请求已放弃或被拒绝，需人工处理').waitFor();
    await page.getByRole('alert').getByText(dead!.requestId).waitFor();
    const rows = rowsOf(page);
    await expect.poll(() => rows.count()).toBe(queued.length);
    const table = page.getByRole('table', { name: '查控请求' });
    await table.getByText('中国工商银行').first().waitFor();
    await table.getByText('中国建设银行').first().waitFor();
    await table.getByText('待发送').first().waitFor();
    await table.getByText('已放弃').waitFor();
    const held = rows.filter({ hasText: '已执行' });
    expect(await held.count()).toBe(1);
    await held.getByText(/^剩余 4 小时 \d+ 分$/).waitFor();

    await held.getByRole('button', { name: '续期' }).click();
    const renew = page.getByRole('dialog', { name: '续期：6222021234567890128' });
    await renew.getByLabel('理由').fill('资金尚未查清，继续止付');
    await renew.getByRole('button', { name: '续期' }).click();
    await page.getByText('已发出续期请求').waitFor();
    await expect.poll(() => rows.count()).toBe(queued.length + 1);
    await table.getByText('止付续期').waitFor();
    const afterRenewal = await list();
    const renewal = afterRenewal.find((r) => r.type === 'stop-payment-renewal');
    expect(renewal?.renews).toBe(stop!.requestId);
    expect(renewal?.institution).toBe('ICBC');

    await page.evaluate('window.scrollTo(0, 0)');
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);

    // The institution filter goes to the server: CCB's requests only.
    await page.locator('[aria-label="机构"]').click();
    await page.locator('[aria-label="机构"]').fill('CCB');
    await page.locator('.ant-select-dropdown:visible [title="中国建设银行 · CCB"]').click();
    const ccb = afterRenewal.filter((r) => r.institution === 'CCB').length;
    await expect.poll(() => rows.count()).toBe(ccb);
    expect(await table.getByText('中国工商银行').count()).toBe(0);

    // ICBC's liaison: the same page shows ICBC's requests and nothing else, and no CCB alarm.
    const liaison = await open('liaison.icbc');
    const nav = liaison.getByRole('navigation');
    expect(await nav.getByRole('menuitem', { name: '案件' }).count()).toBe(0);
    await nav.getByRole('menuitem', { name: '资金查控' }).click();
    await liaison.getByText('发往中国工商银行的请求').waitFor();
    const icbc = afterRenewal.filter((r) => r.institution === 'ICBC').length;
    expect(icbc).toBeGreaterThan(0);
    const liaisonTable = liaison.getByRole('table', { name: '查控请求' });
    await expect.poll(() => rowsOf(liaison).count()).toBe(icbc);
    await liaisonTable.getByText('中国工商银行').first().waitFor();
    expect(await liaisonTable.getByText('中国建设银行').count()).toBe(0);
    expect(await liaison.getByRole('alert').count()).toBe(0);
    expect(await liaison.getByRole('button', { name: '续期' }).count()).toBe(0);

    // The administrator: no request list, but the endpoints the keys file loaded.
    const admin = await open('admin');
    const adminNav = admin.getByRole('navigation');
    expect(await adminNav.getByRole('menuitem', { name: '资金查控' }).count()).toBe(0);
    await adminNav.getByRole('menuitem', { name: '系统管理' }).click();
    await adminNav.getByRole('menuitem', { name: '机构接口' }).click();
    const endpoints = admin.getByRole('table', { name: '机构接口' });
    await expect.poll(() => endpoints.locator('tbody tr.ant-table-row').count()).toBe(institutions.length);
    for (const inst of institutions)
      await endpoints.getByText(`${NOBODY}/inst/${inst.code}`, { exact: true }).waitFor();

    const session = await t.login('admin');
    const endpoint = async (code: string) =>
      (
        (await session.request('GET', '/api/gateway/endpoints')).json() as {
          items: { institution: string; enabled: boolean; timeoutMs: number }[];
        }
      ).items.find((e) => e.institution === code);
    expect((await endpoint('ICBC'))?.enabled).toBe(true);
    await endpoints.getByRole('switch', { name: '启用中国工商银行接口' }).click();
    await admin.getByText('已停用中国工商银行接口').waitFor();
    expect((await endpoint('ICBC'))?.enabled).toBe(false);

    await endpoints.getByRole('button', { name: '修改中国建设银行接口' }).click();
    const edit = admin.getByRole('dialog', { name: '修改中国建设银行接口' });
    await edit.getByLabel('超时').fill('9000');
    await edit.getByRole('button', { name: '保存' }).click();
    await admin.getByText('已保存中国建设银行接口').waitFor();
    expect((await endpoint('CCB'))?.timeoutMs).toBe(9000);
    await endpoints.getByText('9000 ms').waitFor();

    // Back on the case page as the duty officer: the policy asked for a confirmation of the ICBC
    // freeze (above its automatic limit); the drawer offers 确认冻结, which the timeline then records.
    const caseId = (created.json() as { case: { id: number } }).case.id;
    const key = 'ICBC/6222021234567890128';
    await insertEvent(t.ctx.store.db, {
      case_id: caseId,
      at: new Date().toISOString(),
      kind: 'decision.confirm-freeze',
      actor: 'automation',
      summary: `ICBC 6222021234567890128：冻结金额超过自动处置限额`,
      detail: JSON.stringify({ key, amount: 60_000_000 }),
    });
    await page.goto(`${url}/cases/${caseId}`);
    await page.getByRole('heading', { name: /^案件 / }).waitFor();
    await page.getByRole('tab', { name: '银行流水' }).click();
    await page.getByRole('tabpanel', { name: '银行流水' }).getByRole('button', { name: /检查/ }).waitFor();
    await page.locator('[aria-label="查找账户"]').click();
    await page.locator('[aria-label="查找账户"]').fill('王某');
    await page.locator('.ant-select-dropdown:visible [title="王某 · 中国工商银行 …0128"]').click();
    const drawer = page.getByRole('dialog', { name: /王某 · 中国工商银行/ });
    await drawer.getByText('冻结 ¥600,000.00 超过自动处置限额，须人工确认后才会发出').waitFor();
    await drawer.getByRole('button', { name: '确认冻结' }).click();
    await page.locator('.ant-modal-confirm').getByRole('button', { name: '确认冻结' }).click();
    await page.getByText('已确认冻结').waitFor();
    const timeline = (await duty.request('GET', `/api/cases/${caseId}/timeline`)).json() as {
      items: { kind: string; actor: string; detail: { key?: string } }[];
    };
    expect(timeline.items.filter((e) => e.kind === 'decision.freeze-confirmed')).toEqual([
      expect.objectContaining({ actor: 'duty', detail: { key } }),
    ]);
    await expect.poll(() => drawer.getByRole('button', { name: '确认冻结' }).count()).toBe(0);

    expect(pageErrors).toEqual([]);
  }, 180_000);
});
