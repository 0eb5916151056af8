/**
 * XML answers (ec2Query, awsQuery) from the wire to the model: elements named by `locationName`, list items
 * by the list member's `locationName` (default `member`); unknown or repeated elements are discrepancies.
 */
import type { ServiceModel, Shape, ShapeRef, Where } from './model';
import { validateShape } from './validate';
import { parseXml, type XmlElement } from './xml';
import type { WireContext, WireExchange } from './wire';
import { capitalize } from './wire-query';

interface XmlDecode {
  ctx: WireContext;
  model: ServiceModel;
  where: Where;
}

const hasText = (el: XmlElement) => el.text.trim() !== '';

function xmlValue(d: XmlDecode, shapeName: string, el: XmlElement, path: string): unknown {
  const shape = d.model.shapes[shapeName] as Shape | undefined;
  if (!shape) return el.text;
  if (shape.type === 'structure') {
    if (hasText(el))
      d.ctx.report.add(
        d.where,
        path,
        'type',
        `text ${JSON.stringify(el.text.trim().slice(0, 40))} in structure ${shapeName}`,
      );
    return xmlStructure(d, shapeName, shape, el.children, path);
  }
  if (shape.type === 'list') {
    if (shape.flattened) {
      d.ctx.report.add(d.where, path, 'model', `flattened list ${shapeName} is not supported by the contract decoder`);
      return [];
    }
    const member = shape.member as ShapeRef;
    const itemName = member.locationName ?? 'member';
    if (hasText(el)) d.ctx.report.add(d.where, path, 'type', `text in list ${shapeName}`);
    const items: unknown[] = [];
    for (const child of el.children) {
      if (child.name !== itemName)
        d.ctx.report.add(
          d.where,
          `${path}.${child.name}`,
          'unknown member',
          `items of ${shapeName} are <${itemName}>, got <${child.name}>`,
        );
      else items.push(xmlValue(d, member.shape, child, `${path}[${items.length}]`));
    }
    return items;
  }
  if (shape.type === 'map') {
    const keyName = shape.key?.locationName ?? 'key';
    const valueName = shape.value?.locationName ?? 'value';
    const out: Record<string, unknown> = {};
    for (const entry of el.children) {
      const key = entry.children.find((c) => c.name === keyName);
      const value = entry.children.find((c) => c.name === valueName);
      if (entry.name !== 'entry' || !key || !value)
        d.ctx.report.add(
          d.where,
          `${path}.${entry.name}`,
          'map',
          `map entries are <entry><${keyName}/><${valueName}/></entry>`,
        );
      else out[key.text] = xmlValue(d, (shape.value as ShapeRef).shape, value, `${path}[${JSON.stringify(key.text)}]`);
    }
    return out;
  }
  if (el.children.length > 0) d.ctx.report.add(d.where, path, 'type', `elements inside ${shape.type} ${shapeName}`);
  return el.text;
}

function xmlStructure(
  d: XmlDecode,
  shapeName: string,
  shape: Shape,
  children: readonly XmlElement[],
  path: string,
  envelope: readonly string[] = [],
): Record<string, unknown> {
  const byWire = new Map(
    Object.entries(shape.members ?? {}).map(([name, ref]) => [ref.locationName ?? name, [name, ref] as const]),
  );
  const out: Record<string, unknown> = {};
  for (const child of children) {
    if (envelope.includes(child.name)) continue;
    const member = byWire.get(child.name);
    const childPath = path ? `${path}.${child.name}` : child.name;
    if (!member) {
      d.ctx.report.add(d.where, childPath, 'unknown member', `${shapeName} has no member written as <${child.name}>`, {
        shape: shapeName,
        member: capitalize(child.name),
      });
      continue;
    }
    const [name, ref] = member;
    if (out[name] !== undefined)
      d.ctx.report.add(d.where, childPath, 'repeated', `<${child.name}> appears more than once`);
    out[name] = xmlValue(d, ref.shape, child, path ? `${path}.${name}` : name);
  }
  return out;
}

/** Decodes an XML answer (ec2Query, awsQuery) into model names and validates it; what cannot be placed is a discrepancy. */
export function decodeXmlResponse(ctx: WireContext, model: ServiceModel, x: WireExchange, where: Where): void {
  const root = parseXml(x.responseBody);
  const d: XmlDecode = { ctx, model, where };
  const op = model.operations[x.operation];
  if (root.name !== `${x.operation}Response`)
    ctx.report.add(where, '', 'envelope', `root <${root.name}>, expected <${x.operation}Response>`);
  const namespace = root.attributes['xmlns'] ?? '';
  if (model.metadata.xmlNamespace && namespace.replace(/\/$/, '') !== model.metadata.xmlNamespace.replace(/\/$/, '')) {
    ctx.report.add(
      where,
      '',
      'envelope',
      `namespace ${namespace || '(none)'}, expected ${model.metadata.xmlNamespace}`,
    );
  }
  const output = op?.output;
  if (model.metadata.protocol === 'ec2') {
    // EC2 puts requestId beside the output's members; an action without output answers <return>true</return>.
    if (!root.children.some((c) => c.name === 'requestId'))
      ctx.report.add(where, 'requestId', 'envelope', 'EC2 answers carry <requestId>');
    if (!output) {
      for (const c of root.children) {
        if (c.name === 'requestId') continue;
        if (c.name === 'return' && c.children.length === 0 && c.text === 'true') continue;
        ctx.report.add(where, c.name, 'unknown member', `${x.operation} has no output, got <${c.name}>`);
      }
      return;
    }
    const shape = model.shapes[output.shape] as Shape;
    const value = xmlStructure(d, output.shape, shape, root.children, '', ['requestId']);
    validateShape({ model, where, form: 'text', report: ctx.report }, output.shape, value, '');
    return;
  }
  // awsQuery: <XResponse><XResult>members</XResult><ResponseMetadata><RequestId/></ResponseMetadata></XResponse>
  const wrapper = output?.resultWrapper;
  for (const c of root.children) {
    if (c.name === 'ResponseMetadata') {
      if (!c.children.some((m) => m.name === 'RequestId'))
        ctx.report.add(where, 'ResponseMetadata', 'envelope', 'no <RequestId>');
    } else if (c.name !== wrapper) ctx.report.add(where, c.name, 'unknown member', `<${c.name}> in <${root.name}>`);
  }
  if (!root.children.some((c) => c.name === 'ResponseMetadata'))
    ctx.report.add(where, '', 'envelope', 'no <ResponseMetadata>');
  if (!output) return;
  const result = root.children.find((c) => c.name === wrapper);
  const shape = model.shapes[output.shape] as Shape;
  const value = result ? xmlStructure(d, output.shape, shape, result.children, '') : {};
  validateShape({ model, where, form: 'text', report: ctx.report }, output.shape, value, '');
}
