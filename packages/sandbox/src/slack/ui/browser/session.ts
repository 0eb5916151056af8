/** The page's session: the state it last polled, whom it acts as, and the hooks that break import cycles. */
import type { UiState } from '../state-types';

const qs = new URLSearchParams(location.search);

/** What the page knows now; the modules read and change it. */
export const session: {
  /** The last `/_ui/state` answer, parsed. */
  state: UiState | null;
  /** Its text, so an unchanged answer is not rendered again. */
  lastJson: string;
  channelId: string;
  userId: string;
  /** Threads folded by their parent's ts, kept across polls. */
  collapsed: Record<string, boolean>;
  /** Whether a confirm dialog is up (the modal hides behind it). */
  confirmOpen: boolean;
  /** Whether the app's Home tab is shown instead of the channel. */
  home: boolean;
  /** The user whose Home was last opened (an app_home_opened sent), so switching person opens theirs. */
  homeOpenedFor: string;
} = {
  state: null,
  lastJson: '',
  channelId: qs.get('channel') || '',
  userId: qs.get('user') || '',
  collapsed: {},
  confirmOpen: false,
  home: qs.get('tab') === 'home',
  homeOpenedFor: '',
};

/** Functions main.ts provides, so that buttons and dialogs can poll and redraw the modal without importing main. */
export const hooks: { poll: () => Promise<void>; renderModal: () => void } = {
  poll: () => Promise.resolve(),
  renderModal: () => undefined,
};

/** Puts the channel and the user in the address, so a reload shows the same view. */
export function syncUrl(): void {
  history.replaceState(
    null,
    '',
    `?${new URLSearchParams({ channel: session.channelId, user: session.userId, ...(session.home ? { tab: 'home' } : {}) }).toString()}`,
  );
}
