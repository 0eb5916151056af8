import { baselineCommand } from './baseline';
import { cancelCommand } from './cancel';
import { digestCommand } from './digest';
import { groupsCommand } from './groups';
import { helpCommand } from './help';
import { historyCommand } from './history';
import { installCommand } from './install';
import { instanceCommand } from './instance';
import { promoteCommand } from './promote';
import { rebootCommand } from './reboot';
import { scanCommand } from './scan';
import { statusCommand } from './status';
import type { CommandModule } from './command';
import { windowsCommand } from './windows';

/** Every `/patch` subcommand, in the order help lists them. Adding a command means adding it here. */
export const COMMANDS: readonly CommandModule[] = [
  helpCommand(() => COMMANDS),
  groupsCommand,
  statusCommand,
  instanceCommand,
  baselineCommand,
  windowsCommand,
  scanCommand,
  installCommand,
  promoteCommand,
  rebootCommand,
  cancelCommand,
  historyCommand,
  digestCommand,
];

/** The subcommand with this name (case-insensitive), or undefined. */
export function findCommand(name: string): CommandModule | undefined {
  const wanted = name.toLowerCase();
  return COMMANDS.find((c) => c.name === wanted);
}
