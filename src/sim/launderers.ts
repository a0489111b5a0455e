/**
 * Launderer agents. A gang owns mule accounts arranged in levels; victims pay level-1 accounts.
 * Whenever gang money lands in a mule account, the account moves everything it can (its available
 * balance: held money stays) to its children at the next level after a delay drawn from the
 * level's range, in pieces a few seconds to a minute apart; the last level cashes out to sinks
 * (ATM withdrawals up to a limit, merchant purchases, a crypto OTC dealer). Other money joins on
 * the way: with commingling c, each gang credit of x brings about x·c/(1−c) of other money —
 * the holder's own cash (role own) or a payment from an ordinary person (third-party) — before the
 * money moves on. All draws come from the gang's own seeded stream, in event order.
 */
import type { Channel } from '../institution-protocol/schemas.js';
import type { Rng } from './rng.js';
import type { GangShape } from './scenario.js';
import type { World } from './world.js';

const DAY = 86_400_000;
const MINUTE = 60_000;

export class Gang {
  readonly id: string;
  readonly shape: GangShape;
  /** Mule accounts per level (level 0 = level-1 accounts). */
  readonly levels: number[][] = [];
  private readonly levelOf = new Map<number, number>();
  private readonly pending = new Set<number>();
  private readonly world: World;
  private readonly rng: Rng;
  private entryCursor = 0;

  constructor(world: World, shape: GangShape, rng: Rng) {
    this.world = world;
    this.shape = shape;
    this.id = shape.id;
    this.rng = rng;
    const opening = shape.openingBalance ?? { min: 0, max: 50_000 };
    for (const [k, level] of shape.levels.entries()) {
      const accounts: number[] = [];
      for (let j = 0; j < level.accounts; j++) {
        const inst = world.pickInstitution(rng, shape.bankShare ?? 0.6);
        const person = world.newPerson(rng);
        const account = world.openAccount(
          rng,
          inst,
          person,
          world.start - rng.int(7, 120) * DAY,
          rng.int(opening.min, opening.max),
        );
        accounts.push(account);
        this.levelOf.set(account, k);
      }
      this.levels.push(accounts);
    }
  }

  isMule(account: number): boolean {
    return this.levelOf.has(account);
  }

  level(account: number): number | undefined {
    return this.levelOf.get(account);
  }

  entryAccount(rng: Rng): number {
    const first = this.levels[0] as number[];
    // victims are steered round-robin with a random start, like a gang rotating its level-1 cards
    if (this.entryCursor === 0) this.entryCursor = rng.int(0, first.length - 1) + 1;
    return first[this.entryCursor++ % first.length] as number;
  }

  /** Ledger listener: gang money arriving in one of our accounts sets the next move in motion. */
  onTransfer(t: number): void {
    const ledger = this.world.ledger;
    const to = ledger.tTo[t] as number;
    const level = this.levelOf.get(to);
    if (level === undefined) return;
    const from = ledger.tFrom[t] as number;
    const gangMoney = this.levelOf.has(from) || this.world.victimOfAccount.has(from);
    if (!gangMoney) return;
    const shape = this.shape.levels[level];
    const delay = shape?.delayMinutes ?? { min: 1, max: 5 };
    const now = this.world.now;
    this.comingle(to, ledger.tAmount[t] as number, now + this.rng.next() * delay.min * MINUTE);
    if (this.pending.has(to)) return;
    this.pending.add(to);
    const at = now + Math.round((delay.min + this.rng.next() * (delay.max - delay.min)) * MINUTE);
    this.world.scheduler.at(at, () => {
      this.pending.delete(to);
      if (level === this.levels.length - 1) this.cashOut(to);
      else this.forward(to, level);
    });
  }

  private comingle(account: number, amount: number, at: number): void {
    const c = this.shape.commingling ?? 0.2;
    if (c <= 0) return;
    const extra = Math.round(((amount * c) / (1 - c)) * (0.5 + this.rng.next()));
    if (extra <= 0) return;
    const own = this.rng.chance(this.shape.ownShare ?? 0.3);
    const payer = this.rng.pick(this.world.background);
    const channel: Channel = this.rng.pick(['mobile', 'quick-pay', 'online'] as const);
    this.world.scheduler.at(Math.round(at), () => {
      const ledger = this.world.ledger;
      if (own) ledger.transfer(-1, account, extra, this.world.now, 'counter');
      else {
        const pay = Math.min(extra, ledger.available(payer, this.world.now));
        if (pay > 0) ledger.transfer(payer, account, pay, this.world.now, channel);
      }
    });
  }

  private children(account: number, level: number): number[] {
    const next = this.levels[level + 1] as number[];
    const here = this.levels[level] as number[];
    const fanOut = this.shape.levels[level + 1]?.fanOut;
    if (fanOut) return this.rng.sample(next, this.rng.int(Math.round(fanOut.min), Math.round(fanOut.max)));
    // an even partition: account j of this level feeds accounts j, j+n, j+2n… of the next
    const j = here.indexOf(account);
    const mine = next.filter((_, i) => i % here.length === j % here.length);
    return mine.length > 0 ? mine : [next[j % next.length] as number];
  }

  private channelBetween(a: number, b: number): Channel {
    const ledger = this.world.ledger;
    const ka = this.world.institutions[ledger.inst[a] as number]?.kind;
    const kb = this.world.institutions[ledger.inst[b] as number]?.kind;
    if (ka === 'payment' || kb === 'payment') return 'quick-pay';
    return this.rng.chance(0.7) ? 'mobile' : 'online';
  }

  /** Move pieces of `account`'s available balance; each piece re-checks holds when it runs. */
  private movePieces(
    account: number,
    targets: number[],
    amounts: number[],
    channelOf: (to: number) => Channel,
    gapMs: [number, number],
  ): void {
    let t = this.world.now;
    for (let i = 0; i < targets.length; i++) {
      const to = targets[i] as number;
      const amount = amounts[i] as number;
      this.world.scheduler.at(Math.round(t), () => {
        const ledger = this.world.ledger;
        const pay = Math.min(amount, ledger.available(account, this.world.now));
        if (pay > 0) ledger.transfer(account, to, pay, this.world.now, channelOf(to));
      });
      t += gapMs[0] + this.rng.next() * (gapMs[1] - gapMs[0]);
    }
  }

  private forward(account: number, level: number): void {
    const available = this.world.ledger.available(account, this.world.now);
    if (available <= 0) return;
    const targets = this.children(account, level);
    const amounts = this.rng.split(available, targets.length);
    this.movePieces(
      account,
      targets.slice(0, amounts.length),
      amounts,
      (to) => this.channelBetween(account, to),
      [5_000, 60_000],
    );
  }

  private cashOut(account: number): void {
    const world = this.world;
    const available = world.ledger.available(account, world.now);
    if (available <= 0) return;
    const mix = this.shape.cashOut ?? { atm: 1, merchant: 1, cryptoOtc: 1 };
    const inst = world.institutions[world.ledger.inst[account] as number];
    const atm = inst?.kind === 'bank' ? (world.atmSink[inst.index] ?? -1) : -1;
    const kind = this.rng.weighted([atm >= 0 ? mix.atm : 0, mix.merchant, mix.cryptoOtc]);
    if (kind === 0) {
      const limit = this.shape.atmLimit ?? 2_000_000;
      const amounts: number[] = [];
      for (let rest = available; rest > 0; ) {
        const chunk = Math.min(
          rest,
          Math.max(100, Math.round((limit * (0.6 + 0.4 * this.rng.next())) / 100) * 100),
        );
        amounts.push(chunk);
        rest -= chunk;
      }
      this.movePieces(
        account,
        amounts.map(() => atm),
        amounts,
        () => 'atm',
        [60_000, 240_000],
      );
    } else if (kind === 1) {
      const amounts = this.rng.split(available, this.rng.int(1, 3));
      const shops = amounts.map(() => this.rng.pick(world.merchantSinks));
      this.movePieces(account, shops, amounts, () => 'pos', [30_000, 300_000]);
    } else {
      this.movePieces(account, [this.rng.pick(world.otcSinks)], [available], () => 'mobile', [0, 0]);
    }
  }
}
