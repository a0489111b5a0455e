/**
 * Scenario files (`levee.sim-scenario/1`): who gets defrauded, how much, and how the gang moves
 * the money — levels, accounts per level, fan-out, delays, commingling with other money and the
 * cash-out mix. Everything random is drawn from `seed`, so a scenario is one reproducible world.
 */
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

const Range = (description: string, min = 0) =>
  Type.Object(
    { min: Type.Number({ minimum: min }), max: Type.Number({ minimum: min }) },
    { additionalProperties: false, description },
  );

export const LevelShape = Type.Object(
  {
    accounts: Type.Integer({ minimum: 1, maximum: 500, description: 'Mule accounts at this level' }),
    fanOut: Type.Optional(
      Range('Children each account forwards to; default: an even partition of the next level', 1),
    ),
    delayMinutes: Type.Optional(Range('Delay between receiving money and moving it on (default 1-5)')),
  },
  { additionalProperties: false },
);

export const GangShape = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }),
    levels: Type.Array(LevelShape, { minItems: 3, maxItems: 6 }),
    commingling: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 0.9,
        description: 'Share of mule inflow that is other money (0.2)',
      }),
    ),
    ownShare: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: "Share of the other money that is the holder's own (0.3)",
      }),
    ),
    bankShare: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'Probability a mule account is at a bank (0.6)' }),
    ),
    openingBalance: Type.Optional(Range('Own money in each mule account before the scheme, fen (0-50000)')),
    cashOut: Type.Optional(
      Type.Object(
        {
          atm: Type.Number({ minimum: 0 }),
          merchant: Type.Number({ minimum: 0 }),
          cryptoOtc: Type.Number({ minimum: 0 }),
        },
        { additionalProperties: false, description: 'Weights of the cash-out sinks (1, 1, 1)' },
      ),
    ),
    atmLimit: Type.Optional(
      Type.Integer({ minimum: 100, description: 'Largest ATM withdrawal, fen (2,000,000)' }),
    ),
  },
  { additionalProperties: false },
);

export const VictimSpec = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }),
    gang: Type.String(),
    amount: Type.Integer({ minimum: 100, description: 'Total lost, fen' }),
    payments: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'Number of payments (1)' }),
    ),
    startMinutes: Type.Optional(
      Type.Number({ minimum: 0, description: 'First payment, minutes after start (0)' }),
    ),
    spacingMinutes: Type.Optional(Range('Minutes between payments (5-20)')),
  },
  { additionalProperties: false },
);

export const VictimGenerator = Type.Object(
  {
    count: Type.Integer({ minimum: 1, maximum: 100_000 }),
    gangs: Type.Optional(Type.Array(Type.String(), { description: 'Gangs to spread them over (all)' })),
    amount: Range('Loss per victim, fen', 100),
    payments: Type.Optional(Range('Payments per victim (1-3)', 1)),
    spreadHours: Type.Optional(
      Type.Number({ minimum: 0, description: 'Victims start over this many hours (2)' }),
    ),
  },
  { additionalProperties: false },
);

export const Scenario = Type.Object(
  {
    format: Type.Optional(Type.Literal('levee.sim-scenario/1')),
    about: Type.Optional(Type.String()),
    seed: Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 }),
    start: Type.Optional(Type.String({ description: 'ISO time of sim start (default: the wall clock now)' })),
    institutions: Type.Optional(
      Type.Object(
        {
          banks: Type.Integer({ minimum: 1, maximum: 999 }),
          payments: Type.Integer({ minimum: 0, maximum: 999 }),
        },
        { additionalProperties: false },
      ),
    ),
    population: Type.Optional(
      Type.Object(
        {
          accountsPerInstitution: Type.Integer({ minimum: 1, maximum: 100_000 }),
          balance: Type.Optional(Range('Opening balance of ordinary accounts, fen')),
        },
        { additionalProperties: false },
      ),
    ),
    background: Type.Optional(
      Type.Object(
        {
          transfersPerHour: Type.Number({ minimum: 0 }),
          amount: Type.Optional(Range('Amount of a background transfer, fen', 1)),
        },
        { additionalProperties: false },
      ),
    ),
    gangs: Type.Array(GangShape, { minItems: 1 }),
    victims: Type.Optional(Type.Array(VictimSpec)),
    victimGenerator: Type.Optional(VictimGenerator),
  },
  { additionalProperties: false },
);

export type LevelShape = Static<typeof LevelShape>;
export type GangShape = Static<typeof GangShape>;
export type VictimSpec = Static<typeof VictimSpec>;
export type Scenario = Static<typeof Scenario>;

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}

const check = TypeCompiler.Compile(Scenario);

/** Validate a parsed scenario JSON; throws ScenarioError naming the field. */
export function parseScenario(json: unknown): Scenario {
  if (!check.Check(json)) {
    const e = check.Errors(json).First();
    throw new ScenarioError(`scenario ${e?.path || '/'}: ${e?.message ?? 'invalid'}`, e?.path);
  }
  const scenario = json as Scenario;
  const gangIds = new Set<string>();
  for (const gang of scenario.gangs) {
    if (gangIds.has(gang.id)) throw new ScenarioError(`duplicate gang id ${gang.id}`, '/gangs');
    gangIds.add(gang.id);
    for (const [i, level] of gang.levels.entries()) {
      for (const [name, range] of [
        ['fanOut', level.fanOut],
        ['delayMinutes', level.delayMinutes],
      ] as const)
        if (range && range.min > range.max)
          throw new ScenarioError(`gang ${gang.id} level ${i + 1}: ${name}.min > max`, `/gangs/${gang.id}`);
    }
  }
  const victimIds = new Set<string>();
  for (const v of scenario.victims ?? []) {
    if (!gangIds.has(v.gang)) throw new ScenarioError(`victim ${v.id}: unknown gang ${v.gang}`, '/victims');
    if (victimIds.has(v.id)) throw new ScenarioError(`duplicate victim id ${v.id}`, '/victims');
    victimIds.add(v.id);
  }
  for (const g of scenario.victimGenerator?.gangs ?? [])
    if (!gangIds.has(g)) throw new ScenarioError(`victimGenerator: unknown gang ${g}`, '/victimGenerator');
  if (scenario.start !== undefined && Number.isNaN(Date.parse(scenario.start)))
    throw new ScenarioError('start is not an ISO time', '/start');
  if (!scenario.victims?.length && !scenario.victimGenerator)
    throw new ScenarioError('a scenario needs victims or a victimGenerator', '/victims');
  return scenario;
}

/** Built-in scenarios, by name (`levee sim --scenario case-25`). */
export const PRESET_SCENARIOS: Record<string, Scenario> = {
  /** A few victims, one four-level gang: the everyday demo. */
  default: {
    format: 'levee.sim-scenario/1',
    about: 'three victims paying one four-level gang',
    seed: 1,
    gangs: [
      {
        id: 'G1',
        levels: [{ accounts: 2 }, { accounts: 4 }, { accounts: 8 }, { accounts: 12 }],
        commingling: 0.2,
      },
    ],
    victims: [
      { id: 'V1', gang: 'G1', amount: 12_000_000, payments: 3 },
      { id: 'V2', gang: 'G1', amount: 4_500_000, payments: 1, startMinutes: 20 },
      { id: 'V3', gang: 'G1', amount: 8_800_000, payments: 2, startMinutes: 45 },
    ],
  },
  /** The Wuhan case: one victim, several hundred thousand yuan, split at level four over 25 accounts. */
  'case-25': {
    format: 'levee.sim-scenario/1',
    about: 'one victim, 520,000 yuan, four levels, 25 accounts at level four',
    seed: 2023,
    gangs: [
      {
        id: 'G1',
        levels: [
          { accounts: 1, delayMinutes: { min: 2, max: 6 } },
          { accounts: 5, delayMinutes: { min: 3, max: 10 } },
          { accounts: 10, delayMinutes: { min: 5, max: 15 } },
          { accounts: 25, delayMinutes: { min: 20, max: 90 } },
        ],
        commingling: 0.1,
        cashOut: { atm: 2, merchant: 1, cryptoOtc: 2 },
      },
    ],
    victims: [{ id: 'V1', gang: 'G1', amount: 52_000_000, payments: 4, spacingMinutes: { min: 3, max: 12 } }],
  },
  /** Many victims and gangs of different shapes: the interception benchmark's world. */
  interception: {
    format: 'levee.sim-scenario/1',
    about: 'two hundred victims over eight hours, three gangs of three to six levels',
    seed: 7,
    gangs: [
      { id: 'FAST', levels: [{ accounts: 3 }, { accounts: 9 }, { accounts: 20 }], commingling: 0.3 },
      {
        id: 'DEEP',
        levels: [
          { accounts: 2 },
          { accounts: 6 },
          { accounts: 12 },
          { accounts: 20 },
          { accounts: 30 },
          { accounts: 30, delayMinutes: { min: 10, max: 60 } },
        ],
        commingling: 0.15,
      },
      {
        id: 'WIDE',
        levels: [
          { accounts: 4 },
          { accounts: 25, fanOut: { min: 3, max: 8 } },
          { accounts: 40 },
          { accounts: 60 },
        ],
        commingling: 0.4,
        cashOut: { atm: 1, merchant: 3, cryptoOtc: 1 },
      },
    ],
    victimGenerator: { count: 200, amount: { min: 500_000, max: 80_000_000 }, spreadHours: 8 },
  },
};
