import type { CommandModule } from './command';

/** `/patch help`: every subcommand with its usage; built from the registry so it cannot drift. */
export function helpCommand(list: () => readonly CommandModule[]): CommandModule {
  return {
    name: 'help',
    usage: '/patch help',
    summary: 'this list',
    visibility: 'private',
    operatorsOnly: false,
    async run(ctx) {
      const commands = list().map((c) => ({
        name: c.name,
        usage: c.usage,
        summary: c.summary,
        visibility: c.visibility,
      }));
      return { kind: 'ephemeral', message: { view: 'help', commands, groups: ctx.config.groups.map((g) => g.name) } };
    },
  };
}
