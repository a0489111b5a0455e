import { type Compilable, CompiledQuery, type QueryResult, sql } from 'kysely';
import type { Insertable } from 'kysely';
import type { Capabilities } from '../storage/database.js';
import type { GatewayRequestRow, GatewayRequestTable, GatewayState } from '../storage/schema.js';
import type { Db } from './audit.repository.js';

/**
 * The gateway's hottest statements (every request passes through them, or every batch of
 * requests) are built and compiled by Kysely once per dialect and shape, then run with fresh
 * values: building and compiling a query object cost about as much as SQLite's work on it (a
 * 25-column insert: 95 → 56 µs of CPU). `build` gets `slot(i)` to stand for `values[i]`; every
 * value that varies must be a slot (any other parameter is a constant of the shape). The compiled
 * parameters are matched to the slots by identity, so their order is Kysely's own.
 */
const templates = new WeakMap<object, Map<string, { sql: string; parameters: unknown[] }>>();

async function runTemplate<R>(
  db: Db,
  shape: string,
  values: readonly unknown[],
  build: (slot: (i: number) => never) => Compilable<R>,
): Promise<QueryResult<R>> {
  const adapter = db.getExecutor().adapter;
  let byShape = templates.get(adapter);
  if (!byShape) {
    byShape = new Map();
    templates.set(adapter, byShape);
  }
  let template = byShape.get(shape);
  if (!template) {
    const slots = values.map((_, i) => new Slot(i));
    const compiled = build((i) => slots[i] as never).compile();
    template = { sql: compiled.sql, parameters: [...compiled.parameters] };
    byShape.set(shape, template);
  }
  const parameters = template.parameters.map((p) => (p instanceof Slot ? values[p.index] : p));
  return db.executeQuery<R>(CompiledQuery.raw(template.sql, parameters));
}

class Slot {
  constructor(readonly index: number) {}
}

/** The values of a multi-row statement: each row's `columns` in order, row after row. */
function columnValues<R, C extends keyof R>(rows: readonly R[], columns: readonly C[]): unknown[] {
  return rows.flatMap((r) => columns.map((c) => r[c]));
}

/** The rows of a multi-row template: `count` rows of `columns`, each value the slot `columnValues` puts it in. */
function slotRows(count: number, columns: readonly string[], slot: (i: number) => never): never {
  return Array.from({ length: count }, (_, r) =>
    Object.fromEntries(columns.map((c, i) => [c, slot(r * columns.length + i)])),
  ) as never;
}

/** The columns `insertRequests` writes, in this order (`dispatched_by` and `id` are left to the table). */
export const REQUEST_COLUMNS = [
  'request_id',
  'case_id',
  'institution_code',
  'type',
  'account',
  'amount',
  'body',
  'reason',
  'created_by',
  'state',
  'attempts',
  'next_attempt_at',
  'lease_owner',
  'lease_until',
  'last_error',
  'result',
  'feedback',
  'held_amount',
  'deadline_at',
  'renews_request_id',
  'created_at',
  'sent_at',
  'acked_at',
  'executed_at',
  'updated_at',
] as const satisfies readonly (keyof GatewayRequestTable)[];

export type RequestInsert = { [K in (typeof REQUEST_COLUMNS)[number]]: Insertable<GatewayRequestTable>[K] };

/** What a request says when it is enqueued; every other column starts as `newRequestRow` sets it. */
export type RequestDraftColumns = Pick<
  RequestInsert,
  | 'request_id'
  | 'case_id'
  | 'institution_code'
  | 'type'
  | 'account'
  | 'amount'
  | 'body'
  | 'reason'
  | 'created_by'
  | 'renews_request_id'
>;

/**
 * A new outbox row: queued, due at once, never tried, leased, sent or answered. Every column is
 * spelled out: on Node 20's V8 an object literal that starts with a spread and goes on with more
 * properties takes a slow path per property (`{ ...draft, state, … }` cost 26 µs a row, this 0.1).
 */
export function newRequestRow(draft: RequestDraftColumns, at: string): RequestInsert {
  return {
    request_id: draft.request_id,
    case_id: draft.case_id,
    institution_code: draft.institution_code,
    type: draft.type,
    account: draft.account,
    amount: draft.amount,
    body: draft.body,
    reason: draft.reason,
    created_by: draft.created_by,
    state: 'queued',
    attempts: 0,
    next_attempt_at: at,
    lease_owner: null,
    lease_until: null,
    last_error: null,
    result: null,
    feedback: null,
    held_amount: null,
    deadline_at: null,
    renews_request_id: draft.renews_request_id,
    created_at: at,
    sent_at: null,
    acked_at: null,
    executed_at: null,
    updated_at: at,
  };
}

/**
 * Statements that take a variable number of rows or keys take at most this many: one compiled
 * shape per count stays reusable (100 × 25 columns = 2,500 parameters, far below either database's limit).
 */
const CHUNK = 100;

/** Insert outbox rows, as few multi-row statements as `CHUNK` allows. Returns their ids in `rows` order. */
export async function insertRequests(db: Db, rows: readonly RequestInsert[]): Promise<number[]> {
  const ids: number[] = [];
  for (let from = 0; from < rows.length; from += CHUNK) {
    const chunk = rows.slice(from, from + CHUNK);
    const values = columnValues(chunk, REQUEST_COLUMNS);
    const result = await runTemplate<{ id: number; request_id: string }>(
      db,
      `insertRequests:${chunk.length}`,
      values,
      (slot) =>
        db
          .insertInto('gateway_request')
          .values(slotRows(chunk.length, REQUEST_COLUMNS, slot))
          .returning(['id', 'request_id']),
    );
    // Neither database promises RETURNING's row order: match the ids by request id.
    const idOf = new Map(result.rows.map((r) => [r.request_id, Number(r.id)]));
    for (const r of chunk) ids.push(idOf.get(r.request_id)!);
  }
  return ids;
}

/** Which of `codes` are institutions Levee may send to (indexed lookups, `CHUNK` codes a statement). */
export async function enabledInstitutions(db: Db, codes: readonly string[]): Promise<Set<string>> {
  const enabled = new Set<string>();
  for (let from = 0; from < codes.length; from += CHUNK) {
    const chunk = codes.slice(from, from + CHUNK);
    const result = await runTemplate<{ institution_code: string }>(
      db,
      `enabledInstitutions:${chunk.length}`,
      chunk,
      (slot) =>
        db
          .selectFrom('institution_endpoint')
          .select('institution_code')
          .where(
            'institution_code',
            'in',
            chunk.map((_, i) => slot(i)),
          )
          .where('enabled', '=', 1),
    );
    for (const r of result.rows) enabled.add(r.institution_code);
  }
  return enabled;
}

/** The case number of each of `ids` that exists (`CHUNK` ids a statement). */
export async function findCaseNumbers(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (let from = 0; from < ids.length; from += CHUNK) {
    const rows = await db
      .selectFrom('fraud_case')
      .select(['id', 'case_no'])
      .where('id', 'in', ids.slice(from, from + CHUNK))
      .execute();
    for (const r of rows) found.set(r.id, r.case_no);
  }
  return found;
}

export async function findRequestById(db: Db, id: number): Promise<GatewayRequestRow | undefined> {
  return db.selectFrom('gateway_request').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findRequestByRequestId(
  db: Db,
  requestId: string,
): Promise<GatewayRequestRow | undefined> {
  return db.selectFrom('gateway_request').selectAll().where('request_id', '=', requestId).executeTakeFirst();
}

/**
 * The outbox's order: stop-payments first (one that waits behind a backlog of queries is money
 * that leaves while it waits; the interception benchmark saw a new case's first one queue for
 * seconds), then by due time. Word for word the expression of gateway_request_claim_idx
 * (migration 0007): SQLite uses an index on an expression only for the same expression.
 */
const CLAIM_RANK = sql`case when type = 'stop-payment' then 0 else 1 end`;

/**
 * What a dispatcher reads of a request it leases: enough to send it and to record the outcome.
 * Returning every column cost SQLite ~20 µs a row (a dozen more strings made per row).
 */
export const LEASED_COLUMNS = [
  'id',
  'request_id',
  'case_id',
  'institution_code',
  'type',
  'body',
  'attempts',
  'next_attempt_at',
  'sent_at',
  'lease_until',
] as const satisfies readonly (keyof GatewayRequestRow)[];

export type LeasedRequest = Pick<GatewayRequestRow, (typeof LEASED_COLUMNS)[number]>;

const LEASED_RETURNING = sql.join(LEASED_COLUMNS.map((c) => sql.ref(c)));

/**
 * Whether anything is due (what `claimDue` would take), read without a write: on SQLite an
 * UPDATE takes the database's one write lock even when it matches nothing, and an idle
 * dispatcher asks four times a second.
 */
export async function anyDue(db: Db, nowIso: string): Promise<boolean> {
  const row = await db
    .selectFrom('gateway_request')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'queued'), eb('next_attempt_at', '<=', nowIso)]),
        eb.and([eb('state', '=', 'sent'), eb('lease_until', '<', nowIso)]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Take up to `limit` requests that are due (queued and past their next attempt, or sent under a
 * lease that ran out because its process died) and lease them to `owner`. PostgreSQL skips rows
 * other dispatchers hold; SQLite has one writer at a time, so the statement is enough.
 * `expired: false` leaves out the ran-out leases: finding them reads every request on its way
 * (their lease's end is not in the index), a few hundred under load, at every lease — once per
 * poll interval is soon enough for what a dead process left.
 */
export async function claimDue(
  db: Db,
  caps: Capabilities,
  owner: string,
  nowIso: string,
  leaseUntilIso: string,
  limit: number,
  { expired = true }: { expired?: boolean } = {},
): Promise<LeasedRequest[]> {
  const lease = {
    state: 'sent' as const,
    lease_owner: owner,
    dispatched_by: owner,
    lease_until: leaseUntilIso,
    updated_at: nowIso,
  };
  // One statement. SQLite: the transaction begins with a write and waits for the lock rather than
  // failing with SQLITE_BUSY_SNAPSHOT when another process wrote after its read. PostgreSQL: rows
  // other dispatchers hold are skipped, and one round trip instead of four (begin, select, update,
  // commit) — that is what a request waited for on its way out.
  const rows = caps.rowLocks
    ? await db
        .updateTable('gateway_request')
        .set(lease)
        .where(
          'id',
          'in',
          db
            .selectFrom('gateway_request')
            .select('id')
            .where((eb) =>
              eb.or([
                eb.and([eb('state', '=', 'queued'), eb('next_attempt_at', '<=', nowIso)]),
                ...(expired ? [eb.and([eb('state', '=', 'sent'), eb('lease_until', '<', nowIso)])] : []),
              ]),
            )
            .orderBy(CLAIM_RANK)
            .orderBy('next_attempt_at')
            .orderBy('id')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning([...LEASED_COLUMNS])
        .execute()
    : !expired
      ? (
          await sql<LeasedRequest>`update gateway_request set state = ${lease.state},
          lease_owner = ${owner}, dispatched_by = ${owner}, lease_until = ${leaseUntilIso}, updated_at = ${nowIso}
          where id in (select id from gateway_request
            where state = 'queued' and next_attempt_at <= ${nowIso}
            order by ${CLAIM_RANK}, next_attempt_at, id limit ${limit})
          returning ${LEASED_RETURNING}`.execute(db)
        ).rows
      : // The queued ones are read in claim order off gateway_request_claim_idx and stop at
        // `limit`; sorting every due row at each claim cost more than the update (a backlog of
        // thousands is claimed 256 at a time). Expired leases are few: sorted among them.
        (
          await sql<LeasedRequest>`update gateway_request set state = ${lease.state},
          lease_owner = ${owner}, dispatched_by = ${owner}, lease_until = ${leaseUntilIso}, updated_at = ${nowIso}
          where id in (select id from (
            select id, ${CLAIM_RANK} as rank, next_attempt_at as due from gateway_request
              where state = 'sent' and lease_until < ${nowIso}
            union all
            select id, rank, due from (
              select id, ${CLAIM_RANK} as rank, next_attempt_at as due from gateway_request
                where state = 'queued' and next_attempt_at <= ${nowIso}
                order by ${CLAIM_RANK}, next_attempt_at, id limit ${limit}))
            order by rank, due, id limit ${limit})
          returning ${LEASED_RETURNING}`.execute(db)
        ).rows;
  // RETURNING keeps no order: sent in the order they were picked in.
  const rank = (r: LeasedRequest) => (r.type === 'stop-payment' ? 0 : 1);
  return rows.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : 0) ||
      a.id - b.id,
  );
}

/**
 * Lease the named requests that are still due (JetStream deliveries that arrived together):
 * queued and due, or sent with a lease that ran out; one statement. PostgreSQL skips rows another
 * dispatcher is leasing at this moment (it has them).
 */
export async function claimMany(
  db: Db,
  caps: Capabilities,
  ids: readonly number[],
  owner: string,
  nowIso: string,
  leaseUntilIso: string,
): Promise<LeasedRequest[]> {
  if (ids.length === 0) return [];
  const lease = {
    state: 'sent' as const,
    lease_owner: owner,
    dispatched_by: owner,
    lease_until: leaseUntilIso,
    updated_at: nowIso,
  };
  const due = (on: Db) =>
    on
      .selectFrom('gateway_request')
      .select('id')
      .where('id', 'in', [...new Set(ids)])
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('next_attempt_at', '<=', nowIso)]),
          eb.and([eb('state', '=', 'sent'), eb('lease_until', '<', nowIso)]),
        ]),
      );
  // One statement (PostgreSQL: one round trip, rows another dispatcher is leasing skipped).
  return db
    .updateTable('gateway_request')
    .set(lease)
    .where('id', 'in', caps.rowLocks ? due(db).orderBy('id').forUpdate().skipLocked() : due(db))
    .returning([...LEASED_COLUMNS])
    .execute();
}

/** What an acknowledgement stores of one request (its lease ends with it). */
export interface AckedRequest {
  readonly id: number;
  readonly attempts: number;
  readonly sent_at: string;
  readonly acked_at: string;
}

/**
 * The rows of a multi-row `UPDATE … FROM`, as a table `v` with the named columns, so the rest of
 * the statement reads the same on both databases. PostgreSQL: `unnest` of one array parameter a
 * column (the text does not grow with the rows, and stays prepared); SQLite, which has no arrays:
 * a `VALUES` list, its columns renamed by a select.
 */
function rowsTable(
  caps: Capabilities,
  columns: readonly (readonly [name: string, pgType: string])[],
  rows: readonly (readonly unknown[])[],
) {
  const names = sql.raw(columns.map(([name]) => name).join(', '));
  if (caps.rowLocks) {
    const arrays = columns.map(([, pgType], c) => sql`${rows.map((row) => row[c])}::${sql.raw(pgType)}[]`);
    return sql`unnest(${sql.join(arrays)}) as v(${names})`;
  }
  const renamed = sql.raw(columns.map(([name], c) => `column${c + 1} as ${name}`).join(', '));
  const values = sql.join(rows.map((row) => sql`(${sql.join(row)})`));
  return sql`(select ${renamed} from (values ${values})) as v`;
}

/**
 * Store acknowledgements of many leased requests in one statement, each with its own values,
 * where `owner` still holds the lease and no answer came first (state still 'sent'): the rest
 * are left as they are. Returns how many rows changed. PostgreSQL locks the rows in id order
 * first, the order a feedback transaction locks them in (two orders deadlock).
 */
export async function updateAcked(
  db: Db,
  caps: Capabilities,
  owner: string,
  rows: readonly AckedRequest[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => r.id);
  const v = rowsTable(
    caps,
    [
      ['id', 'int'],
      ['attempts', 'int'],
      ['sent_at', 'text'],
      ['acked_at', 'text'],
    ],
    rows.map((r) => [r.id, r.attempts, r.sent_at, r.acked_at]),
  );
  const lockedInOrder = caps.rowLocks
    ? sql`and r.id in (select id from gateway_request where id = any(${ids}::int[])
        and lease_owner = ${owner} and state = 'sent' order by id for no key update)`
    : sql``;
  const result = await sql`update gateway_request as r set state = 'acknowledged', attempts = v.attempts,
      sent_at = v.sent_at, acked_at = v.acked_at, lease_owner = null, lease_until = null,
      last_error = null, updated_at = v.acked_at
    from ${v}
    where r.id = v.id and r.lease_owner = ${owner} and r.state = 'sent' ${lockedInOrder}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Give leased requests back to the outbox unsent (state queued, due as before), while `owner` holds them. */
export async function releaseLeased(db: Db, ids: readonly number[], owner: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('gateway_request')
    .set({ state: 'queued', lease_owner: null, lease_until: null })
    .where('id', 'in', ids)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'sent')
    .execute();
}

/** Update a request only while `owner` still holds its lease (a slow process must not overwrite a newer outcome). */
export async function updateLeased(
  db: Db,
  id: number,
  owner: string,
  changes: Partial<GatewayRequestRow>,
): Promise<boolean> {
  const result = await db
    .updateTable('gateway_request')
    .set(changes)
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'sent')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function updateRequest(db: Db, id: number, changes: Partial<GatewayRequestRow>): Promise<void> {
  await db.updateTable('gateway_request').set(changes).where('id', '=', id).execute();
}

/** Update a request and return it as stored (saves reading it back). */
export async function updateRequestReturning(
  db: Db,
  id: number,
  changes: Partial<GatewayRequestRow>,
): Promise<GatewayRequestRow | undefined> {
  return db
    .updateTable('gateway_request')
    .set(changes)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** What an answer changes on its request (`updateAnswered`). */
export type AnsweredChanges = Pick<
  GatewayRequestRow,
  | 'state'
  | 'result'
  | 'feedback'
  | 'held_amount'
  | 'deadline_at'
  | 'last_error'
  | 'executed_at'
  | 'acked_at'
  | 'lease_owner'
  | 'lease_until'
  | 'updated_at'
>;

/** The columns `updateAnswered` writes, with their PostgreSQL types. */
const ANSWERED_COLUMNS = [
  ['state', 'text'],
  ['result', 'text'],
  ['feedback', 'text'],
  ['held_amount', 'bigint'],
  ['deadline_at', 'text'],
  ['last_error', 'text'],
  ['executed_at', 'text'],
  ['acked_at', 'text'],
  ['lease_owner', 'text'],
  ['lease_until', 'text'],
  ['updated_at', 'text'],
] as const satisfies readonly (readonly [keyof AnsweredChanges, string])[];

/**
 * Store the answers of many requests (one entry per request), one statement for all, on rows
 * this transaction has locked (`findRequestsByRequestIds`: in id order; an UPDATE … FROM would lock
 * in the join's order, and two transactions locking in different orders deadlock). A statement
 * per row cost more than the writes on SQLite, and a round trip per answer on PostgreSQL (most
 * of a feedback transaction).
 */
export async function updateAnswered(
  db: Db,
  caps: Capabilities,
  rows: readonly { id: number; changes: AnsweredChanges }[],
): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length === 1) {
    await updateRequest(db, rows[0]!.id, rows[0]!.changes);
    return;
  }
  const v = rowsTable(
    caps,
    [['id', 'int'], ...ANSWERED_COLUMNS],
    rows.map(({ id, changes }) => [id, ...ANSWERED_COLUMNS.map(([name]) => changes[name])]),
  );
  const set = sql.raw(ANSWERED_COLUMNS.map(([name]) => `${name} = v.${name}`).join(', '));
  await sql`update gateway_request as r set ${set} from ${v} where r.id = v.id`.execute(db);
}

export async function listRequests(
  db: Db,
  filter: {
    caseId?: number | undefined;
    institution?: string | undefined;
    unitPath?: string | undefined;
    states?: GatewayState[] | undefined;
    limit: number;
    beforeId?: number | undefined;
  },
) {
  let query = db
    .selectFrom('gateway_request')
    .leftJoin('fraud_case', 'fraud_case.id', 'gateway_request.case_id')
    .leftJoin('unit', 'unit.id', 'fraud_case.unit_id')
    .selectAll('gateway_request')
    .select('fraud_case.case_no');
  if (filter.caseId !== undefined) query = query.where('gateway_request.case_id', '=', filter.caseId);
  if (filter.institution !== undefined)
    query = query.where('gateway_request.institution_code', '=', filter.institution);
  if (filter.unitPath !== undefined) query = query.where('unit.path', 'like', `${filter.unitPath}%`);
  if (filter.states && filter.states.length > 0)
    query = query.where('gateway_request.state', 'in', filter.states);
  if (filter.beforeId !== undefined) query = query.where('gateway_request.id', '<', filter.beforeId);
  return query.orderBy('gateway_request.id', 'desc').limit(filter.limit).execute();
}

export async function insertFeedback(
  db: Db,
  row: {
    feedback_id: string;
    request_id: string;
    institution_code: string;
    seq: number;
    type: string;
    result: string;
    /** NULL: the text is the request's answer, in gateway_request.feedback (stored once). */
    body: string | null;
    received_at: string;
    via: string;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('gateway_feedback')
    .values(row)
    .onConflict((oc) => oc.columns(['request_id', 'feedback_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export type FeedbackInsert = Parameters<typeof insertFeedback>[1];

/**
 * A feedback is known by its request and its feedbackId (migration 0008): a resent feedback
 * repeats both. Keyed so, the unique index grows at its right edge with the time-ordered request
 * ids; keyed by feedbackId alone (an institution's own numbering, "ICBC-812") every commit
 * touched a page of it per institution answering.
 */
export function feedbackKey(requestId: string, feedbackId: string): string {
  return `${requestId}\u0000${feedbackId}`;
}

/** Insert many feedback rows, skipping those already stored. Returns the `feedbackKey`s inserted now. */
export async function insertFeedbackMany(db: Db, rows: readonly FeedbackInsert[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  // In key order: two transactions inserting overlapping sets wait, never deadlock.
  const sorted = [...rows].sort(
    (a, b) =>
      (a.request_id < b.request_id ? -1 : a.request_id > b.request_id ? 1 : 0) ||
      (a.feedback_id < b.feedback_id ? -1 : a.feedback_id > b.feedback_id ? 1 : 0),
  );
  const values = columnValues(sorted, FEEDBACK_COLUMNS);
  const inserted = await runTemplate<{ request_id: string; feedback_id: string }>(
    db,
    `insertFeedbackMany:${sorted.length}`,
    values,
    (slot) =>
      db
        .insertInto('gateway_feedback')
        .values(slotRows(sorted.length, FEEDBACK_COLUMNS, slot))
        .onConflict((oc) => oc.columns(['request_id', 'feedback_id']).doNothing())
        .returning(['request_id', 'feedback_id']),
  );
  return new Set(inserted.rows.map((r) => feedbackKey(r.request_id, r.feedback_id)));
}

const FEEDBACK_COLUMNS = [
  'feedback_id',
  'request_id',
  'institution_code',
  'seq',
  'type',
  'result',
  'body',
  'received_at',
  'via',
] as const satisfies readonly (keyof FeedbackInsert)[];

/** Give feedback rows their own text (feedback that did not become its request's answer). */
export async function setFeedbackBodies(
  db: Db,
  rows: readonly { request_id: string; feedback_id: string; body: string }[],
): Promise<void> {
  for (const { request_id, feedback_id, body } of rows)
    await db
      .updateTable('gateway_feedback')
      .set({ body })
      .where('request_id', '=', request_id)
      .where('feedback_id', '=', feedback_id)
      .execute();
}

/**
 * Every feedback received for a request, oldest first, each with its text: its own, or for the
 * request's answer the request row's (stored once).
 */
export async function findFeedbackOf(db: Db, requestId: string) {
  return db
    .selectFrom('gateway_feedback as f')
    .leftJoin('gateway_request as r', 'r.request_id', 'f.request_id')
    .select([
      'f.id',
      'f.feedback_id',
      'f.request_id',
      'f.institution_code',
      'f.seq',
      'f.type',
      'f.result',
      'f.received_at',
      'f.via',
    ])
    .select((eb) => eb.fn.coalesce('f.body', 'r.feedback').as('body'))
    .where('f.request_id', '=', requestId)
    .orderBy('f.id')
    .execute();
}

/** Delete feedback rows (refused ones, before their transaction commits). */
export async function deleteFeedback(
  db: Db,
  keys: readonly { request_id: string; feedback_id: string }[],
): Promise<void> {
  for (const { request_id, feedback_id } of keys)
    await db
      .deleteFrom('gateway_feedback')
      .where('request_id', '=', request_id)
      .where('feedback_id', '=', feedback_id)
      .execute();
}

/** A request row without the body it was sent with (what an answer needs of its request). */
export type AnsweredRequest = Omit<GatewayRequestRow, 'body'>;

const ALL_BUT_BODY = [
  'id',
  'dispatched_by',
  ...REQUEST_COLUMNS.filter((c) => c !== 'body'),
] as const satisfies readonly (keyof AnsweredRequest)[];

/**
 * Requests by their request ids, without their bodies, for a feedback transaction that writes
 * what it computes from them (`updateAnswered`). PostgreSQL: locked until the transaction ends,
 * in id order (the order an ack locks them in: two orders deadlock) — read unlocked, two
 * transactions answering one request both took it for unanswered and the second overwrote the
 * first answer's text. SQLite: the transaction already holds the database's one write lock.
 */
export async function findRequestsByRequestIds(
  db: Db,
  caps: Capabilities,
  requestIds: readonly string[],
): Promise<AnsweredRequest[]> {
  if (requestIds.length === 0) return [];
  const result = await runTemplate<AnsweredRequest>(
    db,
    `findRequestsByRequestIds:${requestIds.length}`,
    requestIds,
    (slot) => {
      const query = db
        .selectFrom('gateway_request')
        .select([...ALL_BUT_BODY])
        .where(
          'request_id',
          'in',
          requestIds.map((_, i) => slot(i)),
        );
      return caps.rowLocks ? query.orderBy('id').forNoKeyUpdate() : query;
    },
  );
  return result.rows;
}

export async function raiseAlarm(
  db: Db,
  row: { request_id: string; case_id: number | null; kind: string; message: string; created_at: string },
): Promise<void> {
  await db
    .insertInto('gateway_alarm')
    .values({ ...row, cleared_at: null })
    .onConflict((oc) => oc.columns(['request_id', 'kind']).doNothing())
    .execute();
}
