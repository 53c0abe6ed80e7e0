/** The terminal pane's code (xterm and its addons, about 490 kB), loaded ahead (../preload.ts). */
import { preloadable, whenIdle } from "../preload";

const pane = preloadable(() => import("../TerminalPane"));
const component = preloadable(() => pane.load().then((m) => m.default));

export const loadTerminalPane = component.load;
export const useTerminalPane = component.use;

/** Loads the pane and runs xterm once out of sight, when the browser is idle (a page read before a Start). */
export function warmTerminalPane(): void {
  component.load().then(() => whenIdle(pane.loaded()!.warmUp), () => {});
}
