import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { LeveeError } from '../../core/errors.js';
import { ROLES } from '../../services/access-policy.js';

export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('Manage user accounts');
  user
    .command('add')
    .description('Create a local user account; the user must change the password at first login')
    .requiredOption('--username <name>', 'login name (letters, digits, . _ -)')
    .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`)
    .requiredOption('--unit <code>', 'code of the unit the user belongs to (e.g. WH, WH-JA)')
    .option('--name <display name>', 'name shown in the console (defaults to the user name)')
    .option('--password-stdin', 'read the initial password from standard input instead of LEVEE_NEW_PASSWORD')
    .action(
      async (options: {
        username: string;
        role: string;
        unit: string;
        name?: string;
        passwordStdin?: boolean;
      }) => {
        // Loaded on use: `levee --help` and light commands start without the server's dependencies.
        const { createContext } = await import('../../context.js');
        const { findUnitByCode } = await import('../../repositories/unit.repository.js');
        const password = options.passwordStdin
          ? (await readStdin()).trim()
          : process.env['LEVEE_NEW_PASSWORD'];
        if (!password) {
          throw new LeveeError(
            'LEVEE_VALIDATION',
            'give the initial password in LEVEE_NEW_PASSWORD or with --password-stdin',
            { field: 'password' },
          );
        }
        const ctx = await createContext(loadConfig(), { prepare: true });
        try {
          const unit = await findUnitByCode(ctx.store.db, options.unit);
          if (!unit)
            throw new LeveeError('LEVEE_VALIDATION', `no unit with code "${options.unit}"`, {
              field: 'unit',
            });
          const id = await ctx.directory.createUser(undefined, {
            username: options.username,
            displayName: options.name ?? options.username,
            role: options.role,
            unitId: unit.id,
            password,
          });
          process.stdout.write(
            `created user ${options.username} (id ${id}, ${options.role}, ${unit.name})\n`,
          );
        } finally {
          await ctx.close();
        }
      },
    );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
