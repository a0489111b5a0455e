/**
 * The simulated world: institutions, people, their accounts (the ledgers), the sinks where money
 * leaves the trail, background payments between ordinary people, and the gangs' launderer agents
 * (launderers.ts). Built deterministically from a scenario; advanced only by `advanceTo(t)`.
 * No I/O: the HTTP server (server.ts) drives it from a wall clock.
 */
import { dateCst } from './clock.js';
import { type Person, luhnDigit, makeBranch, makePerson } from './identity.js';
import { buildInstitutions, type InstitutionInfo } from './institutions.js';
import { Gang } from './launderers.js';
import { Ledger, type SinkKind } from './ledger.js';
import { Rng } from './rng.js';
import type { Scenario, VictimSpec } from './scenario.js';
import { Scheduler } from './scheduler.js';

const DAY = 86_400_000;

export interface VictimTruth {
  id: string;
  gang: string;
  account: number;
  amount: number;
}

export interface WorldOptions {
  scenario: Scenario;
  /** Sim start, Unix ms (default: scenario.start). */
  start?: number;
  banks?: number;
  payments?: number;
}

export class World {
  readonly ledger = new Ledger();
  readonly institutions: InstitutionInfo[];
  readonly instByCode = new Map<string, InstitutionInfo>();
  readonly persons: Person[] = [];
  readonly accountsByPerson = new Map<number, number[]>();
  readonly scheduler: Scheduler;
  readonly start: number;
  readonly scenario: Scenario;
  readonly background: number[] = [];
  readonly gangs: Gang[] = [];
  readonly victims: VictimTruth[] = [];
  readonly victimOfAccount = new Map<number, string>();
  readonly atmSink: number[] = [];
  readonly merchantSinks: number[] = [];
  readonly otcSinks: number[] = [];
  private readonly rng: Rng;
  private readonly usedNumbers = new Set<string>();

  constructor(options: WorldOptions) {
    this.scenario = options.scenario;
    const start = options.start ?? (options.scenario.start ? Date.parse(options.scenario.start) : Number.NaN);
    if (!Number.isFinite(start)) throw new RangeError('the world needs a start time');
    this.start = start;
    this.scheduler = new Scheduler(start);
    this.rng = new Rng(options.scenario.seed);
    this.institutions = buildInstitutions(
      options.banks ?? options.scenario.institutions?.banks ?? 38,
      options.payments ?? options.scenario.institutions?.payments ?? 80,
    );
    for (const i of this.institutions) this.instByCode.set(i.code, i);
    this.buildPopulation();
    this.buildSinks();
    const gangRng = this.rng.fork('gangs');
    for (const shape of this.scenario.gangs) this.gangs.push(new Gang(this, shape, gangRng.fork(shape.id)));
    this.ledger.onTransfer((t) => {
      for (const gang of this.gangs) gang.onTransfer(t);
    });
    this.scheduleVictims();
    this.scheduleBackground();
  }

  get now(): number {
    return this.scheduler.now;
  }

  advanceTo(t: number): number {
    return this.scheduler.runUntil(t);
  }

  gang(id: string): Gang | undefined {
    return this.gangs.find((g) => g.id === id);
  }

  newPerson(rng: Rng): number {
    this.persons.push(makePerson(rng));
    return this.persons.length - 1;
  }

  /** Open an account for `person` at `inst` (its own number format), with an opening balance. */
  openAccount(rng: Rng, inst: InstitutionInfo, person: number, openedAt: number, balance: number): number {
    const number = this.newNumber(rng, inst);
    const account = this.ledger.addAccount({
      inst: inst.index,
      number,
      holder: person,
      openedAt,
      branch: makeBranch(rng, inst.name),
    });
    if (balance > 0) this.ledger.balance[account] = balance;
    const list = this.accountsByPerson.get(person) ?? [];
    list.push(account);
    this.accountsByPerson.set(person, list);
    return account;
  }

  pickInstitution(rng: Rng, bankShare: number): InstitutionInfo {
    const banks = this.institutions.filter((i) => i.kind === 'bank');
    const payments = this.institutions.filter((i) => i.kind === 'payment');
    if (payments.length === 0 || rng.chance(bankShare)) return rng.pick(banks);
    return rng.pick(payments);
  }

  private newNumber(rng: Rng, inst: InstitutionInfo): string {
    for (;;) {
      let body = inst.prefix;
      const digits = inst.kind === 'bank' ? inst.numberLength - 1 : inst.numberLength;
      while (body.length < digits) body += String(rng.int(0, 9));
      const number = inst.kind === 'bank' ? body + luhnDigit(body) : body;
      const key = `${inst.index}:${number}`;
      if (!this.usedNumbers.has(key)) {
        this.usedNumbers.add(key);
        return number;
      }
    }
  }

  private buildPopulation(): void {
    const rng = this.rng.fork('population');
    const perInst = this.scenario.population?.accountsPerInstitution ?? 40;
    const balance = this.scenario.population?.balance ?? { min: 100_000, max: 20_000_000 };
    for (const inst of this.institutions) {
      for (let k = 0; k < perInst; k++) {
        // a third of the people also hold an account at an earlier institution
        const reuse = this.background.length > 0 && rng.chance(0.3);
        const person = reuse
          ? (this.ledger.holder[rng.pick(this.background)] as number)
          : this.newPerson(rng);
        const opened = this.start - rng.int(60, 3650) * DAY;
        const account = this.openAccount(rng, inst, person, opened, rng.int(balance.min, balance.max));
        this.background.push(account);
      }
    }
  }

  private addSink(inst: InstitutionInfo, kind: SinkKind, name: string, rng: Rng): number {
    return this.ledger.addAccount({
      inst: inst.index,
      number: this.newNumber(rng, inst),
      holder: -1,
      openedAt: this.start - 1000 * DAY,
      branch: '',
      sink: kind,
      sinkName: name,
    });
  }

  private buildSinks(): void {
    const rng = this.rng.fork('sinks');
    for (const inst of this.institutions) {
      this.atmSink[inst.index] = inst.kind === 'bank' ? this.addSink(inst, 'cash', 'ATM取现', rng) : -1;
    }
    const shops = ['数码', '珠宝', '商贸', '电子', '游戏点卡', '烟酒', '礼品'];
    const payments = this.institutions.filter((i) => i.kind === 'payment');
    const banks = this.institutions.filter((i) => i.kind === 'bank');
    for (let k = 0; k < 12; k++) {
      const inst = rng.pick(payments.length ? payments : banks);
      this.merchantSinks.push(this.addSink(inst, 'merchant', `武汉${rng.pick(shops)}商户${k + 1}号`, rng));
    }
    for (let k = 0; k < 8; k++) {
      const inst = rng.pick(banks);
      this.otcSinks.push(this.addSink(inst, 'exchange', `虚拟币场外商${k + 1}`, rng));
    }
  }

  private victimSpecs(): VictimSpec[] {
    const list = [...(this.scenario.victims ?? [])];
    const gen = this.scenario.victimGenerator;
    if (gen) {
      const rng = this.rng.fork('victim-generator');
      const gangs = gen.gangs?.length ? gen.gangs : this.scenario.gangs.map((g) => g.id);
      for (let k = 0; k < gen.count; k++) {
        const payments = gen.payments ?? { min: 1, max: 3 };
        list.push({
          id: `V${String(k + 1).padStart(5, '0')}`,
          gang: gangs[k % gangs.length] as string,
          amount: rng.int(gen.amount.min, gen.amount.max),
          payments: rng.int(payments.min, payments.max),
          startMinutes: rng.next() * (gen.spreadHours ?? 2) * 60,
        });
      }
    }
    return list;
  }

  private scheduleVictims(): void {
    const rng = this.rng.fork('victims');
    const banks = this.institutions.filter((i) => i.kind === 'bank');
    for (const spec of this.victimSpecs()) {
      const gang = this.gang(spec.gang);
      if (!gang) continue;
      const person = this.newPerson(rng);
      const inst = rng.pick(banks);
      const account = this.openAccount(
        rng,
        inst,
        person,
        this.start - rng.int(365, 5000) * DAY,
        spec.amount + rng.int(0, 2_000_000),
      );
      this.victims.push({ id: spec.id, gang: spec.gang, account, amount: spec.amount });
      this.victimOfAccount.set(account, spec.id);
      const pieces = rng.split(spec.amount, spec.payments ?? 1);
      const spacing = spec.spacingMinutes ?? { min: 5, max: 20 };
      let t = this.start + (spec.startMinutes ?? 0) * 60_000;
      for (const amount of pieces) {
        const at = Math.round(t);
        const to = gang.entryAccount(rng);
        this.scheduler.at(at, () => {
          const available = this.ledger.available(account, this.now);
          const pay = Math.min(amount, available);
          if (pay > 0) this.ledger.transfer(account, to, pay, this.now, 'mobile');
        });
        t += (spacing.min + rng.next() * (spacing.max - spacing.min)) * 60_000;
      }
    }
  }

  private scheduleBackground(): void {
    const bg = this.scenario.background ?? { transfersPerHour: 60 };
    if (bg.transfersPerHour <= 0 || this.background.length < 2) return;
    const rng = this.rng.fork('background');
    const amount = bg.amount ?? { min: 1_000, max: 500_000 };
    const meanGap = 3_600_000 / bg.transfersPerHour;
    const step = (): void => {
      const from = rng.pick(this.background);
      const to = rng.pick(this.background);
      const want = rng.int(amount.min, amount.max);
      if (from !== to) {
        const pay = Math.min(want, this.ledger.available(from, this.now));
        const channel = rng.pick(['mobile', 'online', 'quick-pay', 'pos'] as const);
        if (pay > 0) this.ledger.transfer(from, to, pay, this.now, channel);
      }
      this.scheduler.after(Math.max(1, Math.round(rng.exponential(meanGap))), step);
    };
    this.scheduler.after(Math.round(rng.exponential(meanGap)), step);
  }

  /** Convenience for tests and the CLI: a date string of the sim's local day. */
  today(): string {
    return dateCst(this.now);
  }
}
