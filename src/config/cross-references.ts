/** The whole-document checks of patchbot.yml: unique names, known scopes, promoteFrom without cycles. */
import { formatPath } from './paths';
import { type Ctx, isRecord, isStringList, unique } from './refinements';

/** Name of the scope used when patchbot.yml names none. */
export const DEFAULT_SCOPE_NAME = 'default';

/** Cross-references: unique names, known scopes, promoteFrom names another group without cycles. */
export function checkReferences(doc: unknown, ctx: Ctx): void {
  if (!isRecord(doc)) return;
  const scopeNames: string[] = [];
  const scopes = isRecord(doc.aws) ? doc.aws.scopes : undefined;
  if (Array.isArray(scopes)) {
    scopes.forEach((scope, i) => {
      if (!isRecord(scope) || typeof scope.name !== 'string') return;
      const first = scopeNames.indexOf(scope.name);
      if (first >= 0)
        ctx.addIssue({
          code: 'custom',
          path: ['aws', 'scopes', i, 'name'],
          message: `duplicate scope name "${scope.name}" (also ${formatPath(['aws', 'scopes', first])})`,
        });
      scopeNames.push(scope.name);
    });
  } else if (scopes === undefined) {
    scopeNames.push(DEFAULT_SCOPE_NAME);
  }

  if (!isRecord(doc.groups)) return;
  const groups = doc.groups;
  const names = Object.keys(groups);
  const byLower = new Map<string, string>();
  for (const name of names) {
    const other = byLower.get(name.toLowerCase());
    if (other !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups', name],
        message: `duplicate group name: "${name}" and "${other}" differ only in case (group names are case-insensitive)`,
      });
    } else byLower.set(name.toLowerCase(), name);
  }

  const promotes = new Map<string, string>();
  for (const name of names) {
    const group = groups[name];
    if (!isRecord(group)) continue;
    if (isStringList(group.scopes) && Array.isArray(scopes)) {
      group.scopes.forEach((scope, i) => {
        if (!scopeNames.includes(scope)) {
          ctx.addIssue({
            code: 'custom',
            path: ['groups', name, 'scopes', i],
            message: `unknown scope "${scope}" (scopes: ${unique(scopeNames).join(', ')})`,
          });
        }
      });
    } else if (isStringList(group.scopes) && scopes === undefined) {
      group.scopes.forEach((scope, i) => {
        if (scope !== DEFAULT_SCOPE_NAME) {
          ctx.addIssue({
            code: 'custom',
            path: ['groups', name, 'scopes', i],
            message: `unknown scope "${scope}" (aws.scopes is not set, so the only scope is "${DEFAULT_SCOPE_NAME}")`,
          });
        }
      });
    }
    if (typeof group.promoteFrom !== 'string') continue;
    const from = byLower.get(group.promoteFrom.toLowerCase());
    if (from === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups', name, 'promoteFrom'],
        message: `unknown group "${group.promoteFrom}" (groups: ${names.join(', ')})`,
      });
    } else if (from === name) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups', name, 'promoteFrom'],
        message: 'a group cannot promote from itself',
      });
    } else promotes.set(name, from);
  }

  // Each group promotes from at most one other, so a cycle is found by walking back from each group.
  const reported = new Set<string>();
  for (const start of names) {
    const chain = [start];
    let current = promotes.get(start);
    while (current !== undefined && !chain.includes(current)) {
      chain.push(current);
      current = promotes.get(current);
    }
    if (current !== start || reported.has(start)) continue;
    for (const n of chain) reported.add(n);
    const flow = [...chain].reverse();
    flow.push(flow[0] as string);
    ctx.addIssue({
      code: 'custom',
      path: ['groups', start, 'promoteFrom'],
      message: `promotion cycle ${flow.join(' → ')}: patches must start from a group without promoteFrom`,
    });
  }
}
