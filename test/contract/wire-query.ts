/**
 * Query requests (ec2Query, awsQuery) from the wire to the model: form parameters whose names come from
 * `queryName`/`locationName`, with lists flattened (`Filter.1.Value.2`) or under `member` (`PolicyArns.member.1`).
 */
import type { ServiceModel, Shape, ShapeRef, Where } from './model';
import { validateShape } from './validate';
import type { WireContext, WireExchange } from './wire';

interface ParamNode {
  value?: string;
  children: Map<string, ParamNode>;
}

function paramTree(body: string): ParamNode {
  const root: ParamNode = { children: new Map() };
  for (const [key, value] of new URLSearchParams(body)) {
    let node = root;
    for (const segment of key.split('.')) {
      let next = node.children.get(segment);
      if (!next) {
        next = { children: new Map() };
        node.children.set(segment, next);
      }
      node = next;
    }
    node.value = value;
  }
  return root;
}

/** The name with its first letter upper-case, as ec2Query spells a member's `locationName`. */
export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Decodes an ec2Query or awsQuery request into model names and validates it; what cannot be placed is a discrepancy. */
export function decodeQueryRequest(ctx: WireContext, model: ServiceModel, x: WireExchange, where: Where): void {
  const tree = paramTree(x.requestBody);
  const action = tree.children.get('Action')?.value;
  const version = tree.children.get('Version')?.value;
  if (action !== x.operation)
    ctx.report.add(where, 'Action', 'envelope', `Action ${action ?? '(none)'} for ${x.operation}`);
  if (version !== model.metadata.apiVersion)
    ctx.report.add(
      where,
      'Version',
      'envelope',
      `Version ${version ?? '(none)'}, expected ${model.metadata.apiVersion}`,
    );
  tree.children.delete('Action');
  tree.children.delete('Version');
  const input = model.operations[x.operation]?.input;
  if (!input) {
    for (const name of tree.children.keys())
      ctx.report.add(where, name, 'unknown member', `${x.operation} takes no input`);
    return;
  }
  const ec2 = model.metadata.protocol === 'ec2';
  const decoded = queryValue({ ctx, model, where, ec2 }, input.shape, tree, '');
  validateShape({ model, where, form: 'text', report: ctx.report }, input.shape, decoded, '');
}

interface QueryDecode {
  ctx: WireContext;
  model: ServiceModel;
  where: Where;
  ec2: boolean;
}

/** The parameter name of a member: ec2Query capitalizes `locationName`; awsQuery uses it as is. */
function queryMemberName(d: QueryDecode, name: string, ref: ShapeRef): string {
  if (d.ec2) return ref.queryName ?? capitalize(ref.locationName ?? name);
  return ref.locationName ?? name;
}

function numbered(d: QueryDecode, node: ParamNode, path: string): ParamNode[] {
  const items: ParamNode[] = [];
  for (const [segment, child] of node.children) {
    if (!/^[1-9]\d*$/.test(segment))
      d.ctx.report.add(
        d.where,
        `${path}.${segment}`,
        'unknown member',
        `list items are numbered from 1, got ${segment}`,
      );
    else items[Number(segment) - 1] = child;
  }
  for (let i = 0; i < items.length; i++) {
    if (!items[i])
      d.ctx.report.add(d.where, `${path}[${i}]`, 'list', `item ${i + 1} is missing: list numbers must run 1..N`);
  }
  return items.filter((n): n is ParamNode => n !== undefined);
}

function queryValue(d: QueryDecode, shapeName: string, node: ParamNode, path: string): unknown {
  const shape = d.model.shapes[shapeName] as Shape | undefined;
  if (!shape) return node.value;
  if (shape.type === 'structure') {
    if (node.value !== undefined && node.value !== '')
      d.ctx.report.add(d.where, path, 'type', `a value where structure ${shapeName} was expected`);
    const byWire = new Map(
      Object.entries(shape.members ?? {}).map(([name, ref]) => [queryMemberName(d, name, ref), [name, ref] as const]),
    );
    const out: Record<string, unknown> = {};
    for (const [segment, child] of node.children) {
      const member = byWire.get(segment);
      const childPath = path ? `${path}.${segment}` : segment;
      if (!member)
        d.ctx.report.add(d.where, childPath, 'unknown member', `${shapeName} has no member sent as ${segment}`, {
          shape: shapeName,
          member: segment,
        });
      else out[member[0]] = queryValue(d, member[1].shape, child, path ? `${path}.${member[0]}` : member[0]);
    }
    return out;
  }
  if (shape.type === 'list') {
    const member = shape.member as ShapeRef;
    // An empty list is sent as the bare name with an empty value.
    if (node.children.size === 0 && node.value === '') return [];
    let itemsNode = node;
    if (!d.ec2 && !shape.flattened) {
      const memberName = member.locationName ?? 'member';
      for (const segment of node.children.keys()) {
        if (segment !== memberName)
          d.ctx.report.add(d.where, `${path}.${segment}`, 'unknown member', `list items go under ${memberName}`);
      }
      itemsNode = node.children.get(memberName) ?? { children: new Map() };
    }
    return numbered(d, itemsNode, path).map((item, i) => queryValue(d, member.shape, item, `${path}[${i}]`));
  }
  if (shape.type === 'map') {
    const entriesNode = d.ec2 || shape.flattened ? node : (node.children.get('entry') ?? { children: new Map() });
    const out: Record<string, unknown> = {};
    const keyName = shape.key?.locationName ?? 'key';
    const valueName = shape.value?.locationName ?? 'value';
    numbered(d, entriesNode, path).forEach((entry, i) => {
      const key = entry.children.get(keyName)?.value;
      const value = entry.children.get(valueName);
      if (key === undefined || !value)
        d.ctx.report.add(d.where, `${path}[${i}]`, 'map', `entry without ${keyName} or ${valueName}`);
      else out[key] = queryValue(d, (shape.value as ShapeRef).shape, value, `${path}[${JSON.stringify(key)}]`);
    });
    return out;
  }
  if (node.children.size > 0)
    d.ctx.report.add(d.where, path, 'type', `nested parameters where ${shape.type} ${shapeName} was expected`);
  return node.value ?? '';
}
