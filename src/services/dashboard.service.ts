/** The home page's figures for a unit's subtree, counted from the records themselves. */
import type { Kysely } from 'kysely';
import { type Clock, localDay, startOfLocalDay } from '../core/clock.js';
import { auditHoursSince, countAuditSince } from '../repositories/audit.repository.js';
import { caseFiguresWithin } from '../repositories/case.repository.js';
import { taskCountsWithin } from '../repositories/case-task.repository.js';
import { countPersonsByCategory } from '../repositories/person.repository.js';
import { countUnitsIn } from '../repositories/unit.repository.js';
import { countUsersIn } from '../repositories/user.repository.js';
import type { Database, UnitRow } from '../storage/schema.js';
import { type Actor, can, requirePermission } from './access-policy.js';
import type { DirectoryService } from './directory.service.js';

export const MODULES = [
  { key: 'cases', status: 'ready' },
  { key: 'tracing', status: 'ready' },
  { key: 'warnings', status: 'coming' },
  { key: 'blocking', status: 'coming' },
  { key: 'screening', status: 'coming' },
  { key: 'bulletins', status: 'coming' },
  { key: 'admin', status: 'ready' },
] as const;

const TREND_DAYS = 14;

export class DashboardService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
    private readonly timeZone: string,
  ) {}

  async forUnit(actor: Actor, unitId: number | undefined) {
    requirePermission(actor, 'dashboard.read');
    const unit: UnitRow = await this.directory.scopeUnit(actor, unitId);
    const now = this.clock.now();
    const today = startOfLocalDay(now, this.timeZone).toISOString();
    const trendStart = startOfLocalDay(
      new Date(now.getTime() - (TREND_DAYS - 1) * 86_400_000),
      this.timeZone,
    );
    const [units, users, personsByCategory, auditEventsToday, loginsToday, events, cases, tasks] =
      await Promise.all([
        countUnitsIn(this.db, unit.path),
        countUsersIn(this.db, unit.path),
        countPersonsByCategory(this.db, unit.path),
        countAuditSince(this.db, unit.path, today),
        countAuditSince(this.db, unit.path, today, 'auth.login'),
        auditHoursSince(this.db, unit.path, trendStart.toISOString()),
        // Case and task figures only for the roles that may read cases and tasks.
        can(actor, 'cases.read') ? caseFiguresWithin(this.db, unit.path, today) : undefined,
        can(actor, 'tasks.read') ? taskCountsWithin(this.db, unit.path, now.toISOString()) : undefined,
      ]);
    const perDay = new Map<string, number>();
    for (let i = 0; i < TREND_DAYS; i++)
      perDay.set(localDay(new Date(trendStart.getTime() + i * 86_400_000 + 43_200_000), this.timeZone), 0);
    for (const { hour, n } of events) {
      // An hour bucket (UTC) lies within one local day for every whole-hour time zone.
      const day = localDay(new Date(`${hour}:30:00Z`), this.timeZone);
      if (perDay.has(day)) perDay.set(day, perDay.get(day)! + n);
    }
    const persons = {
      victim: personsByCategory['victim'] ?? 0,
      at_risk: personsByCategory['at_risk'] ?? 0,
      suspect: personsByCategory['suspect'] ?? 0,
    };
    return {
      unit,
      generatedAt: now.toISOString(),
      figures: {
        units,
        users,
        persons: persons.victim + persons.at_risk + persons.suspect,
        personsByCategory: persons,
        auditEventsToday,
        loginsToday,
        ...(cases ? { cases } : {}),
        ...(tasks ? { tasks: { active: tasks.open + tasks.accepted, overdue: tasks.overdue } } : {}),
      },
      activity: [...perDay].map(([date, count]) => ({ date, events: count })),
      modules: MODULES.map((m) => ({ ...m })),
    };
  }
}
