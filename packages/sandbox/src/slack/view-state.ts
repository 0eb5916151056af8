/** A modal's `state.values` as Slack builds them on submission, from simple inputs. */
import { isJsonObject, type JsonObject, type ModalRecord } from './types';

/** `state.values` for a modal from simple inputs keyed by action_id or block_id. */
export function stateValues(
  modal: ModalRecord,
  inputs: Record<string, string | string[]>,
): Record<string, Record<string, JsonObject>> {
  const out: Record<string, Record<string, JsonObject>> = {};
  const blocks = Array.isArray(modal.view.blocks) ? modal.view.blocks : [];
  for (const block of blocks) {
    if (!isJsonObject(block) || block.type !== 'input' || !isJsonObject(block.element)) continue;
    const element = block.element;
    const blockId = String(block.block_id ?? '');
    const actionId = String(element.action_id ?? '');
    const type = String(element.type ?? 'plain_text_input');
    const given = inputs[actionId] ?? inputs[blockId];
    out[blockId] ??= {};
    out[blockId][actionId] = stateValue(type, element, given);
  }
  return out;
}

function optionFor(element: JsonObject, value: string): JsonObject {
  const options = Array.isArray(element.options) ? element.options : [];
  const option = options.find((o) => isJsonObject(o) && o.value === value);
  return isJsonObject(option) ? option : { text: { type: 'plain_text', text: value }, value };
}

/** One input's state value, shaped by its element type. */
function stateValue(type: string, element: JsonObject, given: string | string[] | undefined): JsonObject {
  const one = Array.isArray(given) ? given[0] : given;
  const many = given === undefined ? [] : Array.isArray(given) ? given : [given];
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: one === undefined ? null : optionFor(element, one) };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: many.map((v) => optionFor(element, v)) };
    case 'users_select':
      return { type, selected_user: one ?? null };
    case 'multi_users_select':
      return { type, selected_users: many };
    case 'conversations_select':
      return { type, selected_conversation: one ?? null };
    case 'channels_select':
      return { type, selected_channel: one ?? null };
    case 'datepicker':
      return { type, selected_date: one ?? null };
    case 'timepicker':
      return { type, selected_time: one ?? null };
    default:
      return { type, value: one ?? null };
  }
}
