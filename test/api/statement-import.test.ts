/**
 * Statements imported into cases: batches with the original file kept, the same file or the same
 * rows recognised, withdrawal as a whole, broken files refused leaving nothing behind; the
 * transfers reach the case ledger and the trace. On SQLite and PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { loadConfig } from '../../src/core/config.js';
import { residentIdCheckChar } from '../../src/engines/identity/resident-id.js';
import { insertCase } from '../../src/repositories/case.repository.js';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type Session, type TestApp } from '../helpers/server.js';

const FIXTURES = 'test/fixtures/statements';
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const ACCOUNT = '6222020200112233445';

const TABLES = [
  'statement_batch',
  'case_transfer',
  'case_account',
  'case_party',
  'case_event',
  'audit_log',
] as const;

describe.each(DATABASES)('statement import into cases on %s', (database) => {
  let t: TestApp;
  let analyst: Session;
  let caseId: number;
  let victimKey: string;

  const upload = (file: Buffer, query: Record<string, string | boolean>, id = caseId) =>
    analyst.request(
      'POST',
      `/api/cases/${id}/statements?${new URLSearchParams(
        Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString()}`,
      file as unknown as string,
      { 'content-type': 'application/octet-stream' },
    );

  const counts = async () => {
    // The case's automatic disposal writes timeline rows of its own: let it finish first.
    await t.ctx.disposal.idle();
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      const row = await t.ctx.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      out[table] = Number(row.n);
    }
    return out;
  };
  const storedFiles = () => {
    const dir = join(t.ctx.config.dataDir, 'statements');
    if (!existsSync(dir)) return [];
    const incoming = join(dir, '.incoming');
    return [
      ...readdirSync(dir).filter((f) => f !== '.incoming'),
      ...(existsSync(incoming) ? readdirSync(incoming).map((f) => `.incoming/${f}`) : []),
    ];
  };
  const ledger = async () =>
    (await analyst.request('GET', `/api/cases/${caseId}/ledger`)).json() as {
      transfers: { from: string; to: string; amount: number; source: string }[];
      accounts: { id: string; opening?: number; sink?: string }[];
    };

  beforeAll(async () => {
    t = await createTestApp({ database });
    analyst = await t.login('analyst');
    const first17 = '42010219850101001';
    const intake = await analyst.request('POST', '/api/cases', {
      scamType: 'investment',
      narrative: '假冒客服',
      victim: {
        name: '受害人甲',
        idNumber: first17 + residentIdCheckChar(first17),
        phone: '13800138000',
        address: '',
        unitId: 1,
      },
      payments: [
        {
          time: '2023-10-27T09:00:00+08:00',
          amount: 10_000_00,
          channel: 'bank-transfer',
          institution: 'ICBC',
          account: ACCOUNT,
          accountName: '林某',
        },
      ],
    });
    expect(intake.statusCode, intake.body).toBe(201);
    caseId = intake.json().case.id;
    victimKey = (await ledger()).transfers[0]!.from;
  });
  afterAll(async () => t?.close());

  let firstBatch: number;
  let secondBatch: number;

  it('dry-runs a statement: preview and duplicates against the case, nothing stored', async () => {
    const before = await counts();
    const r = await upload(fixture('flag-utf8.csv'), { fileName: 'flag-utf8.csv', dryRun: true });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ dryRun: true, ok: true, transfers: 5, duplicates: 0, newTransfers: 5 });
    expect(body.statementAccounts).toEqual([{ institution: 'ICBC', account: ACCOUNT, holder: '林某' }]);
    expect(body.preview.reconciliation.status).toBe('reconciled');
    expect(body.batch).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect(storedFiles()).toEqual([]);
  });

  it('imports a statement as a batch: transfers in the ledger, file kept, traced', async () => {
    const r = await upload(fixture('flag-utf8.csv'), { fileName: 'flag-utf8.csv' });
    expect(r.statusCode, r.body).toBe(201);
    const batch = r.json().batch;
    firstBatch = batch.id;
    expect(batch).toMatchObject({
      caseId,
      fileName: 'flag-utf8.csv',
      institution: 'ICBC',
      account: ACCOUNT,
      rows: 5,
      transfers: 5,
      duplicates: 0,
      reconciliation: 'reconciled',
      state: 'active',
      createdBy: 'analyst',
    });
    expect(batch.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    // The original bytes, kept under their SHA-256.
    const stored = join(t.ctx.config.dataDir, 'statements', batch.fileSha256);
    expect(readFileSync(stored).equals(fixture('flag-utf8.csv'))).toBe(true);

    const doc = await ledger();
    const imported = doc.transfers.filter((x) => x.source === `import:batch:${firstBatch}`);
    expect(imported).toHaveLength(5);
    expect(imported.map((x) => x.amount).sort((a, b) => a - b)).toEqual([
      12_34, 500_00, 20_000_00, 25_000_00, 50_000_00,
    ]);
    const own = `ICBC/${ACCOUNT}`;
    expect(imported).toContainEqual(expect.objectContaining({ from: own, to: `某某银行/6228480022220002` }));
    expect(imported).toContainEqual(expect.objectContaining({ from: '某某银行/6217000011110001', to: own }));
    expect(doc.accounts.find((a) => a.id === own)?.opening).toBe(1_000_00);
    expect(doc.accounts.find((a) => a.id === `ICBC/CASH-${ACCOUNT}`)?.sink).toBe('cash');

    // FIFO: the opening 1,000 leaves first, then the victim's 10,000 — with the 20,000 to 李某某.
    const trace = (await analyst.request('GET', `/api/cases/${caseId}/trace?rule=fifo`)).json();
    expect(trace.victims[victimKey].located).toEqual({ '某某银行/6228480022220002': 10_000_00 });

    const timeline = (await analyst.request('GET', `/api/cases/${caseId}/timeline`)).json();
    expect(timeline.items.map((e: { kind: string }) => e.kind)).toContain('statement.imported');
    const list = (await analyst.request('GET', `/api/cases/${caseId}/statements`)).json();
    expect(list.items.map((b: { id: number }) => b.id)).toEqual([firstBatch]);
    const detail = (await analyst.request('GET', `/api/cases/${caseId}/statements/${firstBatch}`)).json();
    expect(detail.transfers).toHaveLength(5);
    expect(detail.mapping.sheets[0].columns.amount).toBe('交易金额');
  });

  it('refuses the same file twice with 409 naming the earlier batch', async () => {
    const before = await counts();
    const files = storedFiles();
    const r = await upload(fixture('flag-utf8.csv'), { fileName: 'again.csv' });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().code).toBe('LEVEE_CONFLICT');
    expect(r.json().detail).toContain(`batch ${firstBatch}`);
    expect(await counts()).toEqual(before);
    expect(storedFiles()).toEqual(files);
  });

  it('recognises the same rows in another file as duplicates and adds only the new ones', async () => {
    const text = fixture('flag-utf8.csv')
      .toString('utf8')
      .replace(
        '合计,',
        '2023-10-29 10:00:00,12.34,借,6230580033330003,王某,某某银行,"5,500.00",转账,SN20231029001,网银\n合计,',
      );
    const r = await upload(Buffer.from(text), { fileName: 'flag-longer.csv' });
    expect(r.statusCode, r.body).toBe(201);
    secondBatch = r.json().batch.id;
    expect(r.json().batch).toMatchObject({ rows: 6, transfers: 1, duplicates: 5 });
    const doc = await ledger();
    expect(doc.transfers).toHaveLength(1 + 6);
  });

  it('withdraws a batch as a whole; rows another batch also reported stay', async () => {
    const r = await analyst.request('POST', `/api/cases/${caseId}/statements/${firstBatch}/withdraw`, {
      reason: '导错案件',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      state: 'withdrawn',
      withdrawnBy: 'analyst',
      withdrawnReason: '导错案件',
    });
    // The five rows were reported by the second batch too: they pass to it.
    let doc = await ledger();
    expect(doc.transfers).toHaveLength(7);
    expect(doc.transfers.filter((x) => x.source === `import:batch:${secondBatch}`)).toHaveLength(6);

    const again = await analyst.request('POST', `/api/cases/${caseId}/statements/${firstBatch}/withdraw`, {
      reason: '重复撤回',
    });
    expect(again.statusCode).toBe(409);

    expect(
      (
        await analyst.request('POST', `/api/cases/${caseId}/statements/${secondBatch}/withdraw`, {
          reason: '核对后撤回',
        })
      ).statusCode,
    ).toBe(200);
    doc = await ledger();
    expect(doc.transfers.map((x) => x.source)).toEqual(['intake:report']);
    expect(doc.accounts.find((a) => a.id === `ICBC/${ACCOUNT}`)?.opening).toBeUndefined();

    // A withdrawn file may be imported again; its transfers come back under the new batch.
    const back = await upload(fixture('flag-utf8.csv'), { fileName: 'flag-utf8.csv' });
    expect(back.statusCode, back.body).toBe(201);
    expect(back.json().batch).toMatchObject({ transfers: 5, duplicates: 0 });
    expect((await ledger()).transfers).toHaveLength(6);
  });

  it.each([
    ['broken-balance.csv', /broken-balance\.csv!8 \[balance\]/],
    ['broken-text-amount.csv', /broken-text-amount\.csv!\d+ \[交易金额\]/],
    ['broken-unknown-header.csv', /HeaderNotFoundError/],
    ['broken-truncated.xlsx', /TruncatedFileError|not a readable/],
    ['broken-mixed-encoding.csv', /EncodingError/],
    ['broken-truncated.csv', /broken-truncated\.csv!\d+/],
  ])('refuses %s with a clear problem and leaves nothing behind', async (name, pattern) => {
    const before = await counts();
    const files = storedFiles();
    const r = await upload(fixture(name), { fileName: name });
    expect(r.statusCode, r.body).toBe(400);
    const problem = r.json();
    expect(problem.code).toBe('LEVEE_VALIDATION');
    expect(`${problem.detail} ${JSON.stringify(problem.errors ?? [])}`).toMatch(pattern);
    expect(await counts()).toEqual(before);
    expect(storedFiles()).toEqual(files);
  });

  it('imports an unreconciled statement only when accepted explicitly, and records it', async () => {
    const r = await upload(fixture('broken-balance.csv'), {
      fileName: 'broken-balance.csv',
      acceptUnreconciled: true,
      institution: 'CCB',
      account: '6217009999000011',
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().batch).toMatchObject({
      reconciliation: 'broken',
      acceptedUnreconciled: true,
      institution: 'CCB',
    });
  });

  it('remembers a mapping for an unknown header; the next dry run maps itself', async () => {
    const dry = await upload(fixture('broken-unknown-header.csv'), {
      fileName: 'unknown.csv',
      dryRun: true,
      account: '6222000000000001',
    });
    expect(dry.statusCode, dry.body).toBe(200);
    const { fileProblem } = dry.json();
    expect(fileProblem.kind).toBe('HeaderNotFoundError');
    expect(fileProblem.header.cells).toContain('业务发生日');
    const fp = fileProblem.header.fingerprint;
    const put = await analyst.request('PUT', `/api/statement-mappings/${fp}`, {
      source: '测试银行 明细',
      mapping: {
        columns: { time: '业务发生日', amount: '交易金额', counterpartyAccount: '对方账号', balance: '余额' },
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await analyst.request('GET', `/api/statement-mappings/${fp}`)).json().mapping.columns.time).toBe(
      '业务发生日',
    );
    const again = await upload(fixture('broken-unknown-header.csv'), {
      fileName: 'unknown.csv',
      dryRun: true,
      account: '6222000000000001',
    });
    expect(again.json().ok).toBe(true);
    expect(again.json().preview.sheets[0].preset).toBe('remembered');

    const bad = await analyst.request('PUT', `/api/statement-mappings/${fp}`, {
      mapping: { columns: { nonsense: 'x' } },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('remembered mappings: reading needs cases.read, saving needs cases.write', async () => {
    const fp = 'a'.repeat(64);
    const admin = await t.login('admin');
    expect((await admin.request('GET', `/api/statement-mappings/${fp}`)).json().code).toBe('LEVEE_FORBIDDEN');
    const district = await t.login('district.jiangan');
    expect((await district.request('GET', `/api/statement-mappings/${fp}`)).json().code).toBe(
      'LEVEE_NOT_FOUND',
    );
    const put = await district.request('PUT', `/api/statement-mappings/${fp}`, {
      mapping: { columns: { time: 'A', amount: 'B' } },
    });
    expect(put.json().code).toBe('LEVEE_FORBIDDEN');
  });

  it('lists presets and fields for the mapping screen; refuses a JSON body for an upload', async () => {
    const presets = (await analyst.request('GET', '/api/statement-presets')).json();
    expect(presets.presets.map((p: { name: string }) => p.name)).toContain('cn-bank-flag');
    expect(presets.fields.map((f: { name: string }) => f.name)).toContain('counterpartyAccount');
    const r = await analyst.request('POST', `/api/cases/${caseId}/statements?fileName=x.csv`, { a: 1 });
    expect(r.statusCode).toBe(415);
  });
});

describe('levee import --case on a SQLite data dir (needs a build)', () => {
  it('imports into the case as a batch audited as levee-cli; levee ledger export writes it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'levee-cli-case-'));
    const env: Record<string, string | undefined> = {
      ...process.env,
      LEVEE_DATA_DIR: dataDir,
      LEVEE_LOG_LEVEL: 'silent',
      LEVEE_DEMO: 'true',
    };
    delete env['LEVEE_DATABASE_URL'];
    const ctx = await createContext(loadConfig(env), { prepare: true });
    let caseId: number;
    try {
      caseId = await insertCase(ctx.store.db, {
        case_no: 'CLI-1',
        unit_id: 1,
        scam_type: 'investment',
        narrative: '',
        status: 'open',
        automation: 'paused',
        loss_total: 0,
        reported_at: new Date().toISOString(),
        created_by: 1,
        created_at: new Date().toISOString(),
      });
    } finally {
      await ctx.close();
    }
    const levee = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/levee.js', ...args], { env, encoding: 'utf8' });
    try {
      const dry = levee('import', join(FIXTURES, 'flag-utf8.csv'), '--case', 'CLI-1', '--dry-run', '--json');
      expect(dry.status, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, ok: true, newTransfers: 5 });

      const r = levee(
        'import',
        join(FIXTURES, 'flag-utf8.csv'),
        '--case',
        String(caseId),
        '--institution',
        'ICBC',
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/imported as batch \d+ of case \d+: 5 new transfers, 0 already/);
      const again = levee('import', join(FIXTURES, 'flag-utf8.csv'), '--case', String(caseId));
      expect(again.status).toBe(2);
      expect(again.stderr).toContain('LEVEE_CONFLICT');
      const broken = levee('import', join(FIXTURES, 'broken-balance.csv'), '--case', String(caseId));
      expect(broken.status).toBe(1);
      expect(broken.stderr).toMatch(/broken-balance\.csv!8 \[balance\]/);

      const exported = levee('ledger', 'export', String(caseId));
      expect(exported.status, exported.stderr).toBe(0);
      const doc = JSON.parse(exported.stdout);
      expect(doc.transfers).toHaveLength(5);
      expect(doc.accounts.map((a: { id: string }) => a.id)).toContain('ICBC/6222020200112233445');

      const check = await createContext(loadConfig(env));
      try {
        const audit = await check.store.db
          .selectFrom('audit_log')
          .select(['username', 'action'])
          .where('action', '=', 'statement.import')
          .execute();
        expect(audit).toEqual([{ username: 'levee-cli', action: 'statement.import' }]);
      } finally {
        await check.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
